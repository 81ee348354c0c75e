"""oauthlib's in-process resource verification, for comparison with ours (BENCHMARKS.md).

Run with the interop virtualenv that `.ci/run` creates (it is not run in CI):

    tests/interop/.venv/bin/python tests/interop/oauthlib_verify_bench.py [N]

The twin of `authlib_verify_bench.py` (and of `tests/examples/verify_rate.rs`; all three run
side by side from `tests/interop/peers.sh`): the OAuth Core 1.0 Appendix A request (its keys,
secrets and realm), HMAC-SHA1, header transport, a fresh nonce per request, nonces kept in an
in-memory set; every request is signed (with oauthlib's own `Client`) before timing. Prints
microseconds per `ResourceEndpoint.validate_protected_resource_request` and per raw HMAC-SHA1
of the same base string, and their ratio, measured in this one run.

What the `RequestValidator` subclass changes from oauthlib's defaults, and why:

* `client_key_length`, `access_token_length` (and `request_token_length`, unused here) are
  (16, 30) instead of (20, 30): Appendix A's consumer key and token have 16 characters, which
  oauthlib would refuse as malformed;
* `nonce_length` is (16, 30) instead of (20, 30): nonces have Appendix A's length (16
  characters, `kllo` and twelve digits, as in the Rust benchmarks);
* `safe_characters` stays oauthlib's default (ASCII letters and digits), stated explicitly;
  every key, token and nonce here is alphanumeric;
* `enforce_ssl` stays True (the default): the request is made to `https://`, as in the Authlib
  script;
* `dummy_client` and `dummy_access_token` (which oauthlib requires a provider to define, used
  to keep timing uniform on unknown keys) are keys with secrets of their own;
* `validate_realms` accepts the request (no realm restriction, like the other two).

Each verification's result is checked (oauthlib returns False instead of raising); a refusal
stops the run.
"""

import hashlib
import hmac
import sys
import time

from oauthlib.common import UNICODE_ASCII_CHARACTER_SET
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA1, SIGNATURE_TYPE_AUTH_HEADER, Client, RequestValidator, ResourceEndpoint
from oauthlib.oauth1.rfc5849 import signature, utils

CONSUMER_KEY, CONSUMER_SECRET = "dpf43f3p2l4k3l03", "kd94hf93k423kf44"
TOKEN, TOKEN_SECRET = "nnch734d00sl2jdk", "pfkkdhi9sl3r4s00"
DUMMY_CLIENT, DUMMY_TOKEN = "dummyclient00000", "dummytoken000000"
URI = "https://photos.example.net/photos?file=vacation.jpg&size=original"
REALM = "http://photos.example.net/"

CLIENT_SECRETS = {CONSUMER_KEY: CONSUMER_SECRET, DUMMY_CLIENT: "dummy-client-secret"}
TOKEN_SECRETS = {(CONSUMER_KEY, TOKEN): TOKEN_SECRET}
SAFE = frozenset(UNICODE_ASCII_CHARACTER_SET)


class Validator(RequestValidator):
    def __init__(self):
        super().__init__()
        self.nonces = set()

    # Formats: Appendix A's 16-character keys and nonces (oauthlib's default is 20 to 30).
    @property
    def safe_characters(self):
        return SAFE

    @property
    def client_key_length(self):
        return 16, 30

    @property
    def request_token_length(self):
        return 16, 30

    @property
    def access_token_length(self):
        return 16, 30

    @property
    def nonce_length(self):
        return 16, 30

    @property
    def enforce_ssl(self):
        return True

    @property
    def allowed_signature_methods(self):
        return (SIGNATURE_HMAC_SHA1,)

    @property
    def dummy_client(self):
        return DUMMY_CLIENT

    @property
    def dummy_access_token(self):
        return DUMMY_TOKEN

    # Look-ups: one client and one token credential, in dicts (the memory store's equivalent).
    def validate_client_key(self, client_key, request):
        return client_key in CLIENT_SECRETS and client_key != DUMMY_CLIENT

    def get_client_secret(self, client_key, request):
        return CLIENT_SECRETS.get(client_key, "dummy-client-secret")

    def validate_access_token(self, client_key, token, request):
        return (client_key, token) in TOKEN_SECRETS

    def get_access_token_secret(self, client_key, token, request):
        return TOKEN_SECRETS.get((client_key, token), "dummy-token-secret")

    def validate_realms(self, client_key, token, request, uri=None, realms=None):
        return True

    # Nonces: a set, as in the Authlib script.
    def validate_timestamp_and_nonce(self, client_key, timestamp, nonce, request, request_token=None, access_token=None):
        key = (client_key, access_token or request_token, timestamp, nonce)
        if key in self.nonces:
            return False
        self.nonces.add(key)
        return True


def sign(i):
    client = Client(
        CONSUMER_KEY,
        client_secret=CONSUMER_SECRET,
        resource_owner_key=TOKEN,
        resource_owner_secret=TOKEN_SECRET,
        signature_method=SIGNATURE_HMAC_SHA1,
        signature_type=SIGNATURE_TYPE_AUTH_HEADER,
        realm=REALM,
        nonce=f"kllo{i:012}",
    )
    return client.sign(URI, "GET")


def base_string(endpoint, uri, headers, body):
    """The signature base string oauthlib's verification computes for this request."""
    request = endpoint._create_request(uri, "GET", body, headers)
    return signature.signature_base_string(
        "GET", signature.base_string_uri(request.uri), signature.normalize_parameters(request.params)
    )


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    requests = [sign(i) for i in range(n)]
    endpoint = ResourceEndpoint(Validator())
    validate = endpoint.validate_protected_resource_request

    started = time.perf_counter()
    for uri, headers, body in requests:
        if not validate(uri, http_method="GET", body=body, headers=headers)[0]:
            sys.exit(f"oauthlib refused a request: {uri} {headers}")
    verify_us = (time.perf_counter() - started) / n * 1e6

    base = base_string(endpoint, *requests[0]).encode()
    key = f"{utils.escape(CONSUMER_SECRET)}&{utils.escape(TOKEN_SECRET)}".encode()
    started = time.perf_counter()
    for _ in range(n):
        hmac.new(key, base, hashlib.sha1).digest()
    raw_us = (time.perf_counter() - started) / n * 1e6

    print(
        f"oauthlib ResourceEndpoint.validate_protected_resource_request: {verify_us:.1f} us per request ({n} requests)"
    )
    print(f"raw HMAC-SHA1 of the base string (Python hmac): {raw_us:.2f} us")
    print(f"ratio: {verify_us / raw_us:.1f}x")


if __name__ == "__main__":
    main()
