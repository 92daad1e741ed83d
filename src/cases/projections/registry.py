"""Every projection the product runs, in the order status and verify list them."""

from cases.projections.certificates import CertificateRegister

PROJECTIONS = [CertificateRegister]
