"""Signing in to the console with an API token, the session cookie it sets, signing out, and a session ended by
its token's revocation (issue 14 "Sign-in")."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.console.session import COOKIE
from api.tokens import revoke_token
from tests.console.conftest import HOME, csrf_of, sign_in


def cookie_header(answer, name: str) -> str:
    found = [value for key, value in answer.headers.multi_items() if key == "set-cookie" and value.startswith(f"{name}=")]
    assert found, f"no {name} cookie set"
    return found[0]


def test_signing_in_with_a_token_sets_an_httponly_strict_cookie_that_holds_no_token(api_app, client, token_for):
    token = token_for("supervisor", HOME)
    browser = TestClient(api_app)

    answer = sign_in(browser, token)

    assert (answer.status_code, answer.headers["location"]) == (303, "/console/")
    cookie = cookie_header(answer, COOKIE)
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # plain HTTP here: a Secure cookie would never come back
    secret = token.split("_", 2)[2]
    assert token not in cookie and secret not in cookie and token.split("_")[1] not in cookie
    assert browser.get("/console/complaints").status_code == 200


def test_over_https_the_session_cookie_is_secure(api_app, client, token_for):
    browser = TestClient(api_app, base_url="https://testserver")

    answer = sign_in(browser, token_for("registrar", HOME))

    assert "Secure" in cookie_header(answer, COOKIE)


def test_a_wrong_token_is_refused_and_starts_no_session(api_app, client, token_for):
    browser = TestClient(api_app)

    answer = sign_in(browser, token_for("registrar", HOME) + "x")

    assert answer.status_code == 401
    assert COOKIE not in browser.cookies
    assert browser.get("/console/complaints", follow_redirects=False).headers["location"] == "/console/sign-in"


def test_the_sign_in_form_without_its_csrf_token_is_refused(api_app, client, token_for):
    browser = TestClient(api_app)
    browser.get("/console/sign-in")

    answer = browser.post("/console/sign-in", data={"token": token_for("registrar", HOME)}, follow_redirects=False)

    assert answer.status_code == 403
    assert COOKIE not in browser.cookies


def test_signing_out_ends_the_session_even_for_a_copy_of_its_cookie(signed_in):
    browser = signed_in("registrar", HOME)
    kept = browser.cookies[COOKIE]
    csrf = csrf_of(browser.get("/console/").text)

    answer = browser.post("/console/sign-out", data={"csrf": csrf}, follow_redirects=False)

    assert (answer.status_code, answer.headers["location"]) == (303, "/console/sign-in")
    browser.cookies.set(COOKIE, kept, path="/console")
    assert browser.get("/console/complaints", follow_redirects=False).headers["location"] == "/console/sign-in"


def test_signing_out_without_the_csrf_token_is_refused_and_the_session_goes_on(signed_in):
    browser = signed_in("registrar", HOME)

    assert browser.post("/console/sign-out", data={}, follow_redirects=False).status_code == 403
    assert browser.get("/console/complaints").status_code == 200


def test_a_revoked_token_ends_its_session_at_once(api_app, client, token_for, services):
    token = token_for("supervisor", None)
    browser = TestClient(api_app)
    sign_in(browser, token)
    assert browser.get("/console/complaints").status_code == 200

    revoke_token(services.api_store, token.split("_")[1])

    assert browser.get("/console/complaints", follow_redirects=False).headers["location"] == "/console/sign-in"


def test_a_page_needs_a_session_and_a_role_the_api_admits(signed_in, api_app, client):
    assert TestClient(api_app).get("/console/complaints", follow_redirects=False).status_code == 303
    examiner = signed_in("examiner", HOME)  # examiners see no complaint (api.policy GET /complaints)
    refused = examiner.get("/console/complaints")
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]


def test_the_request_log_and_the_metrics_name_the_consoles_routes_with_their_prefix(signed_in, client):
    signed_in("supervisor", HOME).get("/console/complaints")
    client.get("/console/static/console.css")

    metrics = client.get("/metrics").text

    assert 'route="/console/complaints"' in metrics and 'route="/console/sign-in"' in metrics
    assert 'route="/console/*"' in metrics
    assert 'route="/complaints"' not in metrics  # the API's own route was never asked


def test_the_header_names_the_users_role_and_body_and_links_only_what_the_policy_admits(signed_in):
    registrar = signed_in("registrar", HOME).get("/console/").text
    examiner = signed_in("examiner", HOME).get("/console/").text

    assert "评价机构经办人员" in registrar and "上海市网购商会" in registrar and 'href="/console/complaints"' in registrar
    assert "考评人员" in examiner and 'href="/console/complaints"' not in examiner
