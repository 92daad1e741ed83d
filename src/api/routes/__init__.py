"""Every router the API serves, in the order /docs lists them."""

from api.routes import cases, health

ROUTERS = [cases.router, health.router]
