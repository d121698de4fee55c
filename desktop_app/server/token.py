"""The API's bearer token: made at first use, kept like the LLM keys (the system keyring, else a
file only the user can read), never logged."""

from __future__ import annotations

import hmac
import secrets as pysecrets

from ..core.augment import secrets

TOKEN_NAME = "standardq-serve-token"


def api_token(create: bool = True) -> str | None:
    token = secrets.load_key(TOKEN_NAME)
    if token is None and create:
        token = "sq-" + pysecrets.token_urlsafe(24)
        secrets.store_key(TOKEN_NAME, token)
    return token


def new_token() -> str:
    """Replace the token (the old one stops working at the server's next start)."""
    secrets.delete_key(TOKEN_NAME)
    return api_token()


def same(given: str | None, token: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())
