"""Bearer JWT validation against the issuer's published keys (JWKS).

    validator = TokenValidator(issuer, audience)
    claims = await validator.validate(token)      # raises InvalidToken (reason is safe to log: no token text)

Only RS256/ES256/PS256 signatures are accepted (never `none`, never an HMAC: an HMAC "signed" with the public key
is the classic confusion attack). `iss`, `aud` and `exp` are essential (a token without `exp` is refused). A token
whose key id is not in the cached key set makes the validator fetch the JWKS once more (key rotation), at most
once per `refetch_interval` seconds, then refuse it if the key is still unknown.

A token whose signature has been verified is remembered (up to VERIFIED_CACHE_SIZE tokens, each until it expires):
an integrator sends the same token with every request, and the RSA check was a tenth of the API's CPU per request.
The claims (`exp` above all) are still checked on every request; a key withdrawn from the JWKS stops new tokens at
once and tokens already seen when they expire (15 minutes for the development issuer).
"""
from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from collections import OrderedDict
from typing import Any

import httpx2
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

log = logging.getLogger("family_context.auth")

ALGORITHMS = ("RS256", "PS256", "ES256")
LEEWAY_SECONDS = 30
MAX_TOKEN_LENGTH = 8192
VERIFIED_CACHE_SIZE = 1024


class InvalidToken(Exception):
    """The token is not acceptable; `reason` is a short code that never contains the token or its claims."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _header(token: str) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken("malformed")
    segment = parts[0] + "=" * (-len(parts[0]) % 4)
    try:
        header = json.loads(base64.urlsafe_b64decode(segment.encode("ascii")))
    except (ValueError, UnicodeError):
        raise InvalidToken("malformed") from None
    if not isinstance(header, dict):
        raise InvalidToken("malformed")
    return header


class TokenValidator:
    def __init__(self, issuer: str, audience: str, *, refetch_interval: float = 5.0,
                 http_timeout: float = 5.0) -> None:
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self.refetch_interval = refetch_interval
        self.http_timeout = http_timeout
        self._keys: KeySet | None = None
        self._jwks_uri: str | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()
        self.jwks_fetches = 0
        self._verified: OrderedDict[str, dict[str, Any]] = OrderedDict()

    async def metadata(self) -> dict[str, Any]:
        async with httpx2.AsyncClient(timeout=self.http_timeout) as client:
            response = await client.get(f"{self.issuer}/.well-known/openid-configuration")
            response.raise_for_status()
            data = response.json()
        if data.get("issuer", "").rstrip("/") != self.issuer:
            raise InvalidToken("issuer_metadata_mismatch")
        return data

    async def _fetch_keys(self) -> KeySet:
        if self._jwks_uri is None:
            self._jwks_uri = (await self.metadata())["jwks_uri"]
        async with httpx2.AsyncClient(timeout=self.http_timeout) as client:
            response = await client.get(self._jwks_uri)
            response.raise_for_status()
            data = response.json()
        self.jwks_fetches += 1
        public = {"keys": [k for k in data.get("keys", []) if "d" not in k]}
        return KeySet.import_key_set(public)

    async def _key_for(self, kid: str | None) -> Any:
        async with self._lock:
            if self._keys is None:
                try:
                    self._keys = await self._fetch_keys()
                except (httpx2.HTTPError, ValueError, KeyError) as exc:
                    log.warning("JWKS fetch failed: %s", type(exc).__name__)
                    raise InvalidToken("jwks_unavailable") from None
                self._fetched_at = time.monotonic()
            key = self._find(kid)
            if key is None and time.monotonic() - self._fetched_at >= self.refetch_interval:
                # Unknown key id: the issuer may have rotated its keys. Fetch once, then decide.
                try:
                    self._keys = await self._fetch_keys()
                    self._fetched_at = time.monotonic()
                except (httpx2.HTTPError, ValueError, KeyError) as exc:
                    log.warning("JWKS refetch failed: %s", type(exc).__name__)
                key = self._find(kid)
            if key is None:
                raise InvalidToken("unknown_key")
            return key

    def _find(self, kid: str | None) -> Any:
        assert self._keys is not None
        keys = list(self._keys)
        if kid is None:
            return keys[0] if len(keys) == 1 else None
        return next((k for k in keys if k.kid == kid), None)

    async def validate(self, token: str) -> dict[str, Any]:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise InvalidToken("malformed")
        claims = self._verified.get(token)
        if claims is None:
            claims = await self._verify_signature(token)
        self._check_claims(claims, token)
        if token not in self._verified:
            self._verified[token] = claims
            if len(self._verified) > VERIFIED_CACHE_SIZE:
                self._verified.popitem(last=False)
        return claims

    async def _verify_signature(self, token: str) -> dict[str, Any]:
        header = _header(token)
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise InvalidToken("algorithm_not_allowed")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise InvalidToken("malformed")
        key = await self._key_for(kid)
        try:
            decoded = jwt.decode(token, key, algorithms=[alg])
        except JoseError:
            raise InvalidToken("bad_signature") from None
        except (ValueError, TypeError):
            raise InvalidToken("malformed") from None
        return decoded.claims

    def _check_claims(self, claims: dict[str, Any], token: str) -> None:
        registry = JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.audience},
            exp={"essential": True},
            sub={"essential": True},
        )
        try:
            registry.validate(claims)
        except JoseError as exc:
            self._verified.pop(token, None)  # expired (or never valid): forget it
            raise InvalidToken(getattr(exc, "error", None) or "invalid_claims") from None
