#!/usr/bin/env python3
"""Writes the fuzz seed corpora, fuzz/seeds/<target>/, from the test vectors.

Usage: fuzz/make-seeds.py [VECTOR_DIR]   (default: tests/vectors next to fuzz/)

Each seed is one file named by the SHA-1 of its content (as libFuzzer names corpus files),
in the input format the target's doc comment describes. The directories are rewritten from
scratch, so running the script twice gives the same files. The total stays well under 1 MB.
"""

import base64
import hashlib
import json
import shutil
import struct
import sys
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
VECTORS = Path(sys.argv[1]) if len(sys.argv) > 1 else FUZZ.parent / "tests" / "vectors"
SEEDS = FUZZ / "seeds"
MAX_TOTAL = 1_000_000


def load(name):
    """The cases of tests/vectors/<name>.jsonl."""
    with open(VECTORS / f"{name}.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def b(s):
    """The bytes under test of a vector string (SCHEMA.md: its UTF-8 encoding)."""
    return s.encode("utf-8")


def key_random_bytes(key):
    """The 16 random bytes of a well-formed key's text."""
    return bytes.fromhex(key[3:])


def registry_seed(keys, headers, uris, candidates):
    """A registry input (layout in fuzz_targets/registry.rs).

    keys: (key text, project index, expires_at or None); headers, uris, candidates: bytes.
    uris: (project index, bytes).
    """
    flags = 1 | (3 << 1)  # accept_bearer, 3 projects
    modes = 0b0100_0111  # project 0 dev + loopback_any_port, project 1 dev, private schemes
    out = bytearray([flags, modes, len(keys)])
    for text, project, expires in keys:
        shape = (1 if text.startswith("sk_") else 0) | (project << 2)
        if expires is not None:
            shape |= 2
        out += key_random_bytes(text) + bytes([shape]) + struct.pack("<Q", expires or 0)
    out += struct.pack("<Q", 1_700_000_000)  # now
    lines = []
    lines += [bytes([0]) + h for h in headers]  # tag % 3 == 0
    lines += [bytes([1 | (p << 2)]) + u for p, u in uris]  # tag % 3 == 1, project p
    lines += [bytes([2]) + c for c in candidates]  # tag % 3 == 2
    return bytes(out) + b"\n".join(lines)


def ffi_seed(op, fields, n=0, fault=0, size=0):
    """An ffi input (layout in src/ffi/mod.rs): function, fault, size, n, fields."""
    return bytes([op, fault, size]) + struct.pack("<Q", n) + b"\n".join(fields)


# Function numbers: indexes of the OPS table of src/ffi/mod.rs.
FFI_KEY_PARSE, FFI_KEY_FORMAT, FFI_KEY_DIGEST, FFI_KEY_DIGEST_HEX = 0, 1, 3, 4
FFI_VERIFY, FFI_VERIFY_ANY, FFI_REDACTED, FFI_REDACT, FFI_PKCE = 6, 7, 8, 9, 10
FFI_VALIDATE, FFI_MATCH, FFI_AUTH_PARSE, FFI_CODES, FFI_REGISTRY = 11, 12, 13, 14, 15
# Faults (low nibble of the fault byte): none, NULL input, huge length, size query,
# sized buffer, overlap, bad enum.
FAULTS = [0, 4, 6, 11, 12, 14, 15]


def ffi_seeds(keys, headers, register, match, pkce):
    """Yields ffi seeds: each vector's input through the matching C function."""
    for i, case in enumerate(keys):
        key = b(case["input"])
        op = [FFI_KEY_PARSE, FFI_KEY_DIGEST, FFI_KEY_DIGEST_HEX, FFI_REDACTED][i % 4]
        yield ffi_seed(op, [key], fault=FAULTS[i % len(FAULTS)], size=i)
        if case["expect"] != "error":
            yield ffi_seed(FFI_VERIFY_ANY, [key, bytes(64)], n=3)
            yield ffi_seed(FFI_VERIFY, [key], n=1)
    for i, case in enumerate(headers):
        bearer = 1 if "accept_bearer" in case.get("options", []) else 0
        yield ffi_seed(FFI_AUTH_PARSE, [b(case["header"])], n=bearer, fault=FAULTS[i % 3])
    for i, case in enumerate(register[::4]):
        options = case.get("options", [])
        n = (case["mode"] == "production") | (2 if "allow_private_use_schemes" in options else 0)
        yield ffi_seed(FFI_VALIDATE, [b(case["uri"])], n=n, fault=FAULTS[i % 2])
    for case in match:
        n = (case["mode"] == "production") | (8 if "loopback_any_port" in case.get("options", []) else 0)
        fields = [b(u) for u in case["registered"]] + [b(case["candidate"])]
        yield ffi_seed(FFI_MATCH, fields, n=n)
    for case in pkce:
        yield ffi_seed(FFI_PKCE, [b(case[f]) for f in ("verifier", "challenge", "method")])
    for case in headers[:20]:
        yield ffi_seed(FFI_REDACT, [b"Authorization: " + b(case["header"])], fault=FAULTS[len(case["id"]) % 6])
    yield ffi_seed(FFI_KEY_FORMAT, [bytes(range(16))], n=1)
    for code in (0, 1, 100, 305, 502, 707, 999):
        yield ffi_seed(FFI_CODES, [], n=code << 1 | 1, fault=11)
    # Registry: project 0 (development, field tag 0), a key (tag 2: publishable), its
    # Basic header (tag 'H'), and redirect URIs (tag 1).
    good = [c["input"] for c in keys if c["expect"] != "error"][:4]
    fields = [bytes([0]), bytes([0b0001_0100])]
    for j, key in enumerate(good):
        kind = 1 if key.startswith("sk_") else 0
        fields.append(bytes([2 | kind << 2]) + key_random_bytes(key) + struct.pack("<Q", j * 1_000))
        creds = base64.b64encode(b(key) + b":")
        fields.append(b"HBasic " + creds)
    fields += [bytes([1]) + b(c["uri"]) for c in register[:6]]
    yield ffi_seed(FFI_REGISTRY, fields, n=1_700_000_000 << 2)


def seeds():
    """Yields (target, seed bytes)."""
    keys = load("key")
    headers = load("auth_header")
    register = load("redirect_register")
    match = load("redirect_match")
    pkce = load("pkce")

    for case in keys:
        yield "key_parse", b(case["input"])

    for case in headers:
        yield "auth_header", b(case["header"])

    for case in register:
        yield "redirect_register", b(case["uri"])

    for case in match:
        entries = [b(u) for u in case["registered"]] + [b(case["candidate"])]
        yield "redirect_match", b"\n".join(entries)

    for case in pkce:
        yield "pkce", b"\n".join(b(case[f]) for f in ("verifier", "challenge", "method"))

    good_keys = [c["input"] for c in keys if c["expect"] in ("publishable", "secret")]
    for case in keys:
        yield "redact", b"GET /v1/ping?key=" + b(case["input"]) + b" 200"
    for case in headers:
        yield "redact", b"Authorization: " + b(case["header"])
    for key in good_keys:
        creds = base64.b64encode(b(key) + b":")
        yield "redact", b'{"key":"' + b(key) + b'","auth":"Basic ' + creds + b'"}'

    short = [c for c in headers if len(b(c["header"])) <= 200]
    ok_headers = [b(c["header"]) for c in short if c["expect"] == "ok"]
    other_headers = [b(c["header"]) for c in short if c["expect"] != "ok"][:10]
    dev_uris = [b(c["uri"]) for c in register if c["mode"] == "development"][:12]
    prod_uris = [b(c["uri"]) for c in register if c["mode"] == "production"][:12]
    header_keys = sorted({c["key"] for c in headers if c.get("key")})
    for i in range(0, len(header_keys), 4):
        group = header_keys[i : i + 4]
        # Index 3 is a project that is never added; one key expires at `now`.
        chosen = [(k, j % 4, 1_700_000_000 if j == 1 else None) for j, k in enumerate(group)]
        uris = [(0, u) for u in dev_uris[:4]] + [(2, u) for u in prod_uris[:4]]
        candidates = dev_uris[:2] + prod_uris[:2] + [b"http://127.0.0.1:1234/callback"]
        yield "registry", registry_seed(chosen, ok_headers + other_headers, uris, candidates)
    yield "registry", registry_seed([], other_headers, [], [])

    for data in ffi_seeds(keys, headers, register, match, pkce):
        yield "ffi", data


def main():
    if SEEDS.exists():
        shutil.rmtree(SEEDS)
    total = 0
    counts = {}
    for target, data in seeds():
        d = SEEDS / target
        d.mkdir(parents=True, exist_ok=True)
        path = d / hashlib.sha1(data).hexdigest()
        if not path.exists():
            path.write_bytes(data)
            total += len(data)
            counts[target] = counts.get(target, 0) + 1
    if total >= MAX_TOTAL:
        sys.exit(f"seeds total {total} bytes, over the {MAX_TOTAL} limit")
    for target in sorted(counts):
        print(f"{target:18} {counts[target]:4} seeds")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
