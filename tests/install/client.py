"""Drives the app of app.py over loopback with httpx, a real client (tests/install/python.sh):
both header forms real clients send, and each refusal. Prints one line per request; exits
non-zero on the first wrong answer.

    python client.py http://127.0.0.1:PORT
"""

import base64
import sys

import httpx

SK = "sk_e1f767d29fa6e533f2e5c62342fb9e24"
PK = "pk_d9960d04426c1e9f3941bec7e39c8854"
JS_SDK = {"Authorization": "Basic  " + base64.b64encode(SK.encode()).decode()}  # two spaces

# (path, httpx arguments, status, body fields that must be in the answer)
CASES = [
    ("/admin", {"auth": (SK, "")}, 200, {"project": 1, "kind": "SECRET"}),
    ("/admin", {"headers": JS_SDK}, 200, {"project": 1, "kind": "SECRET"}),
    ("/widget", {"auth": (PK, "")}, 200, {"project": 1, "kind": "PUBLISHABLE"}),
    ("/admin", {}, 401, {"error": "header_missing", "code": 300}),
    ("/admin", {"auth": (PK, "")}, 403, {"error": "auth_wrong_kind"}),
    ("/admin", {"auth": ("sk_" + "0" * 32, "")}, 401, {"error": "auth_unknown_key"}),
]


def main(base: str) -> int:
    with httpx.Client(base_url=base, timeout=10) as client:
        for path, arguments, status, fields in CASES:
            response = client.get(path, **arguments)
            body = response.json()
            shown = f"GET {path} {sorted(arguments)} -> {response.status_code} {body}"
            if response.status_code != status or any(body.get(k) != v for k, v in fields.items()):
                print(f"wrong: {shown}, want {status} {fields}", file=sys.stderr)
                return 1
            if status == 401 and not response.headers.get("www-authenticate", "").startswith(
                "Basic"
            ):
                print(f"wrong: {shown} without WWW-Authenticate: Basic", file=sys.stderr)
                return 1
            print(shown.replace(SK, "sk_…").replace(PK, "pk_…"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
