"""Authlib's in-process resource verification, for comparison with ours (BENCHMARKS.md).

Run with the interop virtualenv that `.ci/run` creates (it is not run in CI):

    tests/interop/.venv/bin/python tests/interop/authlib_verify_bench.py [N]

Mirrors `cargo bench -p oauth1-tests --bench provider` (group `appendix_a`): the OAuth Core
1.0 Appendix A request, HMAC-SHA1, header transport, a fresh nonce per request, nonces kept in
an in-memory set; signing happens before timing. Prints microseconds per
`ResourceProtector.validate_request` and per raw HMAC-SHA1 of the same base string, and their
ratio, measured in this one run.
"""

import hashlib
import hmac
import sys
import time

from authlib.oauth1 import ClientAuth
from authlib.oauth1.rfc5849 import ResourceProtector
from authlib.oauth1.rfc5849.signature import generate_signature_base_string
from authlib.oauth1.rfc5849.wrapper import OAuth1Request

CONSUMER_KEY, CONSUMER_SECRET = "dpf43f3p2l4k3l03", "kd94hf93k423kf44"
TOKEN, TOKEN_SECRET = "nnch734d00sl2jdk", "pfkkdhi9sl3r4s00"
URI = "https://photos.example.net/photos?file=vacation.jpg&size=original"


class Client:
    def get_client_secret(self):
        return CONSUMER_SECRET

    def get_rsa_public_key(self):
        return None


class Token:
    def get_oauth_token(self):
        return TOKEN

    def get_oauth_token_secret(self):
        return TOKEN_SECRET


class Protector(ResourceProtector):
    def __init__(self):
        self.nonces = set()
        self.client, self.token = Client(), Token()

    def get_client_by_id(self, client_id):
        return self.client if client_id == CONSUMER_KEY else None

    def get_token_credential(self, request):
        return self.token if request.token == TOKEN else None

    def exists_nonce(self, nonce, request):
        key = (request.client_id, request.token, request.timestamp, nonce)
        if key in self.nonces:
            return True
        self.nonces.add(key)
        return False


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    auth = ClientAuth(CONSUMER_KEY, CONSUMER_SECRET, token=TOKEN, token_secret=TOKEN_SECRET)
    requests = [auth.sign("GET", URI, {}, b"") for _ in range(n)]
    protector = Protector()

    started = time.perf_counter()
    for uri, headers, body in requests:
        protector.validate_request("GET", uri, body, headers)
    verify_us = (time.perf_counter() - started) / n * 1e6

    uri, headers, body = requests[0]
    base = generate_signature_base_string(OAuth1Request("GET", uri, body, headers)).encode()
    key = f"{CONSUMER_SECRET}&{TOKEN_SECRET}".encode()
    started = time.perf_counter()
    for _ in range(n):
        hmac.new(key, base, hashlib.sha1).digest()
    raw_us = (time.perf_counter() - started) / n * 1e6

    print(f"Authlib ResourceProtector.validate_request: {verify_us:.1f} us per request ({n} requests)")
    print(f"raw HMAC-SHA1 of the base string (Python hmac): {raw_us:.2f} us")
    print(f"ratio: {verify_us / raw_us:.1f}x")


if __name__ == "__main__":
    main()
