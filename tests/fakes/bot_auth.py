"""Microsoft's side of Bot Framework authentication: OpenID metadata and signing keys, and tokens.

It runs in a thread with a blocking server because botbuilder fetches the keys with blocking
`requests` calls from inside the event loop.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class OpenIdStandIn:
    def __init__(self, keys: dict[str, object]):
        self.keys = keys  # kid → private key; only their public halves are published
        self.delay = 0.0  # seconds each answer takes: a slow Microsoft endpoint
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                time.sleep(stand_in.delay)
                if self.path == "/openid":
                    body = {"issuer": ISSUER, "jwks_uri": f"{stand_in.url}/keys",
                            "id_token_signing_alg_values_supported": ["RS256"]}  # fmt: skip
                elif self.path == "/keys":
                    body = {"keys": [stand_in._jwk(kid, key) for kid, key in stand_in.keys.items()]}
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _jwk(self, kid: str, key) -> dict:
        jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        return {**jwk, "kid": kid, "use": "sig", "endorsements": ["msteams"]}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def token(key, kid: str, *, app_id: str, service_url: str, expires_in: int = 300) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": app_id, "serviceurl": service_url, "nbf": now - 10, "iat": now - 10,
              "exp": now + expires_in}  # fmt: skip
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})
