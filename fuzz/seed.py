#!/usr/bin/env python3
"""Writes seed corpora for the fuzz targets from the shared signature vectors.

    python3 fuzz/seed.py [--vectors PATH] [--out DIR]

Defaults: the vectors at oauth1/tests/data/vectors.json (the same file as shared/vectors.json),
written to fuzz/corpus/<target>/seed-<name>. Existing files of the same name are overwritten;
nothing else in the corpus is touched. Stdlib only.

Input layouts (see the targets' docs):
  header       one style byte, then the Authorization header value
  form         the bytes of a query string, form body, or `\n`-separated `name\tvalue` pairs
  base_string  four choice bytes (method, target, content type, extra headers), then
               custom method NUL host NUL path?query NUL Authorization NUL body
  verify       one mode byte (0: the base_string layout follows; 1-3: a structured request)
"""

import argparse
import hashlib
import json
import os
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Mirrors METHODS and CONTENT_TYPES in fuzz/src/lib.rs.
METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "get", "M-SEARCH"]
CONTENT_TYPES = [
    None,
    "application/x-www-form-urlencoded",
    "Application/X-WWW-Form-URLEncoded; charset=UTF-8",
    "application/json",
    "multipart/form-data; boundary=x",
    " application/x-www-form-urlencoded ;q",
    "text/plain",
]


def enc(s):
    """RFC 5849 section 3.6 percent-encoding."""
    return urllib.parse.quote(s, safe="-._~")


def header_from_params(params, signature, realm=None):
    fields = []
    if realm is not None:
        fields.append('realm="%s"' % realm.replace("\\", "\\\\").replace('"', '\\"'))
    for name, value in params:
        if name.startswith("oauth_"):
            fields.append('%s="%s"' % (enc(name), enc(value)))
    if signature:
        fields.append('oauth_signature="%s"' % enc(signature))
    return "OAuth " + ", ".join(fields)


def request_seed(v, auth):
    """The base_string layout for a vector's request."""
    method = v.get("method") or "GET"
    url = urllib.parse.urlsplit(v["url"])
    host = url.netloc
    path = url.path or "/"
    pq = path + ("?" + url.query if url.query else "")
    body = v.get("body") or ""
    ct = v.get("body_content_type")
    if ct in CONTENT_TYPES:
        ct_index = CONTENT_TYPES.index(ct)
    elif ct:
        ct_index = 3
    else:
        ct_index = 0
    if method in METHODS:
        method_index, custom = METHODS.index(method), ""
    else:
        method_index, custom = len(METHODS), method
    target = 0 if url.scheme.lower() == "http" else 1
    head = bytes([method_index, target, ct_index, 0])
    rest = b"\0".join(s.encode() for s in (custom, host, pq, auth, body))
    return head + rest


def seeds(vectors):
    out = {"header": {}, "form": {}, "base_string": {}, "verify": {}}
    for v in vectors:
        name = v["name"]
        kind = v["kind"]
        if kind == "percent_encode":
            out["form"][name] = v["input"].encode()
            out["form"][name + "-encoded"] = v["expected"].encode()
            continue
        if kind == "normalize":
            pairs = v.get("params") or []
            out["form"][name] = "\n".join("%s\t%s" % (n, val) for n, val in pairs).encode()
            if v.get("expected"):
                out["form"][name + "-normalized"] = v["expected"].encode()
            continue
        if kind != "signature" or not v.get("url"):
            continue
        params = v.get("params") or []
        auth = v.get("authorization_header") or header_from_params(params, v.get("expected_signature"), "Example")
        out["header"][name] = bytes([len(out["header"]) % 256]) + auth.encode()
        query = urllib.parse.urlsplit(v["url"]).query
        if query:
            out["form"][name + "-query"] = query.encode()
        if v.get("body"):
            out["form"][name + "-body"] = v["body"].encode()
        if v.get("expected_normalized"):
            out["form"][name + "-normalized"] = v["expected_normalized"].encode()
        if params:
            out["form"][name + "-pairs"] = "\n".join("%s\t%s" % (n, val) for n, val in params).encode()
        req = request_seed(v, auth)
        out["base_string"][name] = req
        out["verify"][name] = b"\0" + req
    # Structured verify inputs: any bytes make one; a few shapes to start from.
    for i in range(8):
        out["verify"]["structured-%d" % i] = bytes([1 + i % 3]) + hashlib.sha256(b"seed%d" % i).digest() * (1 + i)
    # Header edge cases.
    for i, h in enumerate([
        b"OAuth",
        b"oauth   ",
        b'OAuth realm="a\\"b", a=1,, b="x,y"',
        b"Basic Zm9vOmJhcg==",
        b'OAuth a="%zz"',
        b'OAuth\ta = "1" ,\tb="\\\\"',
    ]):
        out["header"]["edge-%d" % i] = bytes([i * 37 % 256]) + h
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vectors", default=os.path.join(ROOT, "oauth1", "tests", "data", "vectors.json"))
    ap.add_argument("--out", default=os.path.join(HERE, "corpus"))
    args = ap.parse_args()
    with open(args.vectors, encoding="utf-8") as f:
        vectors = json.load(f)
    total = 0
    for target, files in seeds(vectors).items():
        d = os.path.join(args.out, target)
        os.makedirs(d, exist_ok=True)
        for name, data in files.items():
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
            with open(os.path.join(d, "seed-" + safe), "wb") as f:
                f.write(data)
            total += 1
    print("wrote %d seeds under %s" % (total, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
