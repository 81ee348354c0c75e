"""Independently written Python OAuth 1.0a clients against a running demo provider.

Usage: python_clients.py BASE_URL CLIENTS_JSON RSA_PRIVATE_PEM LIBRARY
LIBRARY: requests-oauthlib | authlib

The clients file holds (by client_id): "hmac-client" (secret), "rsa-client" (the public key
of RSA_PRIVATE_PEM) and "query-callback-client" (a registered callback with its own query).
Prints "PASS name" / "FAIL name: why" per check; exits 1 when any check failed.
"""
import json
import re
import sys
import traceback
from urllib.parse import parse_qs, urlsplit

import requests

BASE, CLIENTS, RSA_PEM, LIBRARY = sys.argv[1:5]
clients = {c["client_id"]: c for c in json.load(open(CLIENTS))}
rsa_key = open(RSA_PEM).read()
failed = 0

# Non-ASCII, reserved characters, a space, an empty value and a repeated key.
AWKWARD = [("file", "vacation ü+%&=~*!'()"), ("size", ""), ("tag", "a"), ("tag", "b")]


def check(name, ok, why=""):
    global failed
    if ok:
        print(f"PASS {name}", flush=True)
    else:
        failed += 1
        print(f"FAIL {name}: {why}", flush=True)


def authorize(token, callback):
    """The resource owner's browser: views the consent page (which sets the anti-forgery
    cookie and carries the hidden anti-forgery field), then allows."""
    browser = requests.Session()
    page = browser.get(f"{BASE}/authorize", params={"oauth_token": token})
    assert page.status_code == 200, (page.status_code, page.text)
    hidden = re.search(r'name="oauth1_consent" value="([^"]*)"', page.text).group(1)
    res = browser.post(
        f"{BASE}/authorize",
        data={"oauth_token": token, "user": "alice", "decision": "allow", "oauth1_consent": hidden},
        allow_redirects=False,
    )
    if callback == "oob":
        assert res.status_code == 200, (res.status_code, res.text)
        return parse_qs(res.text)["oauth_verifier"][0]
    location = res.headers.get("Location", "")
    assert res.status_code == 302, (res.status_code, location)
    # The callback with oauth_token and oauth_verifier added: same scheme, host and path, and
    # its own query parameters kept. (When the client signed its callback decoded twice, the
    # provider redirects to the callback the signature covers, whose query may be spelled
    # with fewer escapes: the parameters are the same.)
    got, want = urlsplit(location), urlsplit(callback)
    params = parse_qs(got.query, keep_blank_values=True)
    assert (got.scheme, got.netloc, got.path) == (want.scheme, want.netloc, want.path), location
    assert params.pop("oauth_token") == [token], location
    verifier = params.pop("oauth_verifier")
    assert params == parse_qs(want.query, keep_blank_values=True), (location, callback)
    return verifier[-1]


def protected_checks(name, get_session, body_transport=False, integrity=True):
    """GET with awkward query parameters, POST with a form body, replay and tampering. With the
    body transport only POST applies (oauthlib refuses to sign a body onto a GET). PLAINTEXT
    signs nothing of the request (RFC 5849 §3.4.4), so tampering is not checked for it."""
    s = get_session()
    raw = requests.Session()
    if not body_transport:
        res = s.get(f"{BASE}/photos", params=AWKWARD)
        body = res.json() if res.status_code == 200 else {}
        check(f"{name} protected GET", res.status_code == 200 and body.get("user") == "alice" and body.get("file") == AWKWARD[0][1], f"{res.status_code} {res.text}")
        prepared = s.prepare_request(requests.Request("GET", f"{BASE}/photos", params=AWKWARD))
        prepared.url = prepared.url.replace("tag=b", "tag=c")
        res = raw.send(prepared)
        if integrity:
            check(f"{name} tampered parameter refused", res.status_code == 401, f"{res.status_code} {res.text}")
            prepared = s.prepare_request(requests.Request("GET", f"{BASE}/photos", params=AWKWARD))
            prepared.method = "POST"
            res = raw.send(prepared)
            check(f"{name} tampered method refused", res.status_code == 401, f"{res.status_code} {res.text}")
    res = s.post(f"{BASE}/photos", data=AWKWARD)
    body = res.json() if res.status_code == 200 else {}
    check(f"{name} protected POST form", res.status_code == 200 and body.get("user") == "alice" and body.get("file") == AWKWARD[0][1], f"{res.status_code} {res.text}")
    prepared = s.prepare_request(requests.Request("POST", f"{BASE}/photos", data={"file": "a", "size": "small"}))
    first = raw.send(prepared)
    again = raw.send(prepared)
    check(f"{name} replay refused", first.status_code == 200 and again.status_code == 401, f"{first.status_code} {again.status_code}")
    prepared = s.prepare_request(requests.Request("POST", f"{BASE}/photos", data={"file": "a", "size": "small"}))
    body = prepared.body.decode() if isinstance(prepared.body, bytes) else prepared.body
    prepared.body = body.replace("small", "large")
    res = raw.send(prepared)
    if integrity:
        check(f"{name} tampered body refused", res.status_code == 401, f"{res.status_code} {res.text}")


def requests_oauthlib_flow(name, client_id, method, sig_type, callback, **keys):
    from requests_oauthlib import OAuth1Session

    def session(**extra):
        return OAuth1Session(client_id, signature_method=method, signature_type=sig_type, **keys, **extra)

    tokens = session(callback_uri=callback).fetch_request_token(f"{BASE}/initiate")
    check(f"{name} initiate", tokens.get("oauth_callback_confirmed") == "true", tokens)
    verifier = authorize(tokens["oauth_token"], callback)
    access = session(
        resource_owner_key=tokens["oauth_token"], resource_owner_secret=tokens["oauth_token_secret"], verifier=verifier
    ).fetch_access_token(f"{BASE}/token")
    check(f"{name} token", "oauth_token" in access, access)
    protected_checks(
        name,
        lambda: session(resource_owner_key=access["oauth_token"], resource_owner_secret=access["oauth_token_secret"]),
        body_transport=sig_type == "BODY",
        integrity=method != "PLAINTEXT",
    )


def authlib_flow(name, client_id, method, callback, **keys):
    from authlib.integrations.requests_client import OAuth1Session

    def session(**extra):
        return OAuth1Session(client_id, signature_method=method, **keys, **extra)

    s = session(redirect_uri=callback)
    tokens = s.fetch_request_token(f"{BASE}/initiate")
    check(f"{name} initiate", tokens.get("oauth_callback_confirmed") == "true", tokens)
    verifier = authorize(tokens["oauth_token"], callback)
    s = session(token=tokens["oauth_token"], token_secret=tokens["oauth_token_secret"])
    access = s.fetch_access_token(f"{BASE}/token", verifier=verifier)
    check(f"{name} token", "oauth_token" in access, access)
    protected_checks(name, lambda: session(token=access["oauth_token"], token_secret=access["oauth_token_secret"]))


def browser_consent(authorization_url):
    """The resource owner's browser: opens the authorization URL exactly as the client built it
    (Authlib adds oauth_callback to it), allows on the consent page, and returns the URL the
    provider redirects to (the client's callback with oauth_token and oauth_verifier)."""
    browser = requests.Session()
    page = browser.get(authorization_url)
    assert page.status_code == 200, (page.status_code, page.text)
    token = re.search(r'name="oauth_token" value="([^"]*)"', page.text).group(1)
    hidden = re.search(r'name="oauth1_consent" value="([^"]*)"', page.text).group(1)
    res = browser.post(
        f"{BASE}/authorize",
        data={"oauth_token": token, "user": "alice", "decision": "allow", "oauth1_consent": hidden},
        allow_redirects=False,
    )
    assert res.status_code == 302, (res.status_code, res.text)
    return res.headers["Location"]


def session_checks(name, s, get, post):
    """Several protected GETs and POSTs with the one session object of the whole flow."""
    for i in range(3):
        res = get(f"{BASE}/photos", params=AWKWARD)
        body = res.json() if res.status_code == 200 else {}
        check(f"{name} session GET {i}", res.status_code == 200 and body.get("user") == "alice" and body.get("file") == AWKWARD[0][1], f"{res.status_code} {res.text}")
        res = post(f"{BASE}/photos", data={"file": f"f{i} ü&=", "size": "small"})
        body = res.json() if res.status_code == 200 else {}
        check(f"{name} session POST {i}", res.status_code == 200 and body.get("file") == f"f{i} ü&=", f"{res.status_code} {res.text}")


def documented_flow(name, s, authorization_url):
    """One session object for the whole flow, as the clients' documentation shows: request
    token, the browser's consent at the authorization URL the session builds, the callback
    parsed by the session, the access token, then protected requests with the same session."""
    s.fetch_request_token(f"{BASE}/initiate")
    s.parse_authorization_response(browser_consent(authorization_url(f"{BASE}/authorize")))
    token = s.fetch_access_token(f"{BASE}/token")
    check(f"{name} token", "oauth_token" in token, token)
    session_checks(name, s, s.get, s.post)
    protected_checks(name, lambda: s)


def authlib_documented(name, client_id, callback, **keys):
    """Authlib's requests client: OAuth1Session with redirect_uri (it signs oauth_callback into
    every request)."""
    from authlib.integrations.requests_client import OAuth1Session

    s = OAuth1Session(client_id, redirect_uri=callback, **keys)
    documented_flow(name, s, s.create_authorization_url)


def authlib_async_documented(name, client_id, callback, **keys):
    """Authlib's httpx client, AsyncOAuth1Client, as its documentation shows."""
    import asyncio
    from authlib.integrations.httpx_client import AsyncOAuth1Client

    async def flow():
        async with AsyncOAuth1Client(client_id, redirect_uri=callback, **keys) as s:
            await s.fetch_request_token(f"{BASE}/initiate")
            url = s.create_authorization_url(f"{BASE}/authorize")
            s.parse_authorization_response(browser_consent(url))
            token = await s.fetch_access_token(f"{BASE}/token")
            check(f"{name} token", "oauth_token" in token, token)
            for i in range(3):
                res = await s.get(f"{BASE}/photos", params=AWKWARD)
                body = res.json() if res.status_code == 200 else {}
                check(f"{name} session GET {i}", res.status_code == 200 and body.get("user") == "alice" and body.get("file") == AWKWARD[0][1], f"{res.status_code} {res.text}")
                res = await s.post(f"{BASE}/photos", data={"file": f"f{i}", "size": "small"})
                check(f"{name} session POST {i}", res.status_code == 200 and res.json().get("file") == f"f{i}", f"{res.status_code} {res.text}")

    asyncio.run(flow())


def requests_oauthlib_documented(name, client_id, callback, **keys):
    """requests-oauthlib: OAuth1Session with callback_uri."""
    from requests_oauthlib import OAuth1Session

    s = OAuth1Session(client_id, callback_uri=callback, **keys)
    documented_flow(name, s, s.authorization_url)


def run(name, fn, *args, **kwargs):
    try:
        fn(name, *args, **kwargs)
    except Exception:
        check(name, False, traceback.format_exc())


hmac = {"client_secret": clients["hmac-client"]["client_secret"]}
query_cb_client = clients["query-callback-client"]
query_cb = {"client_secret": query_cb_client["client_secret"]}

if LIBRARY == "requests-oauthlib":
    from oauthlib import oauth1 as o

    for sig_type in (o.SIGNATURE_TYPE_AUTH_HEADER, o.SIGNATURE_TYPE_QUERY, o.SIGNATURE_TYPE_BODY):
        run(f"HMAC-SHA1 {sig_type}", requests_oauthlib_flow, "hmac-client", o.SIGNATURE_HMAC_SHA1, sig_type, "http://client.test/cb", **hmac)
    run("HMAC-SHA256", requests_oauthlib_flow, "hmac-client", o.SIGNATURE_HMAC_SHA256, o.SIGNATURE_TYPE_AUTH_HEADER, "http://client.test/cb", **hmac)
    run("RSA-SHA1", requests_oauthlib_flow, "rsa-client", o.SIGNATURE_RSA, o.SIGNATURE_TYPE_AUTH_HEADER, "http://client.test/cb", rsa_key=rsa_key)
    run("RSA-SHA256", requests_oauthlib_flow, "rsa-client", o.SIGNATURE_RSA_SHA256, o.SIGNATURE_TYPE_AUTH_HEADER, "http://client.test/cb", rsa_key=rsa_key)
    run("PLAINTEXT", requests_oauthlib_flow, "hmac-client", o.SIGNATURE_PLAINTEXT, o.SIGNATURE_TYPE_AUTH_HEADER, "http://client.test/cb", **hmac)
    run("oob", requests_oauthlib_flow, "hmac-client", o.SIGNATURE_HMAC_SHA1, o.SIGNATURE_TYPE_AUTH_HEADER, "oob", **hmac)
    # A callback whose own query is percent-encoded, in the query and body transports where
    # oauthlib decodes oauth_* values twice (handled by the provider's interop fallback).
    for sig_type in (o.SIGNATURE_TYPE_AUTH_HEADER, o.SIGNATURE_TYPE_QUERY, o.SIGNATURE_TYPE_BODY):
        run(f"callback with query {sig_type}", requests_oauthlib_flow, "query-callback-client", o.SIGNATURE_HMAC_SHA1, sig_type, query_cb_client["redirect_uri"], **query_cb)
    run("documented session", requests_oauthlib_documented, "hmac-client", "http://client.test/cb", **hmac)
    run("documented session, callback with query", requests_oauthlib_documented, "query-callback-client", query_cb_client["redirect_uri"], **query_cb)
elif LIBRARY == "authlib":
    run("authlib documented session", authlib_documented, "hmac-client", "http://client.test/cb", **hmac)
    run("authlib documented session, callback with query", authlib_documented, "query-callback-client", query_cb_client["redirect_uri"], **query_cb)
    run("authlib documented async session", authlib_async_documented, "hmac-client", "http://client.test/cb", **hmac)
    run("authlib HMAC-SHA1", authlib_flow, "hmac-client", "HMAC-SHA1", "http://client.test/cb", **hmac)
    run("authlib RSA-SHA1", authlib_flow, "rsa-client", "RSA-SHA1", "http://client.test/cb", rsa_key=rsa_key)
    run("authlib HMAC-SHA1 callback with query", authlib_flow, "query-callback-client", "HMAC-SHA1", query_cb_client["redirect_uri"], **query_cb)
else:
    check("library", False, f"unknown library {LIBRARY}")

sys.exit(1 if failed else 0)
