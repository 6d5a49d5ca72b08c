"""Bearer JWT attacks against the real app over HTTP, with the dev IdP as issuer: each must be refused with 401
and never reach GraphQL. Plus the claim mapping for other identity providers."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import httpx2
import pytest
from joserfc.jwk import RSAKey

from family_context.auth.principal import principal_from_claims
from family_context.dev_idp.keys import mint, signing_key

pytestmark = pytest.mark.integration

ME = "{ me { roles scopes } }"
SOCIAL_WORKER = {"sub": "user:social.worker", "roles": ["social_worker"], "name": "Sam Okafor", "team": "Front Door"}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict, claims: dict) -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"


def refused(live_stack, token: str) -> httpx2.Response:
    response = live_stack.post(ME, token=token)
    assert response.status_code == 401, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_TOKEN"
    assert "invalid_token" in response.headers["www-authenticate"]
    return response


def claims(live_stack, **overrides) -> dict:
    now = int(time.time())
    return {"iss": live_stack.settings.issuer, "aud": live_stack.settings.api_audience, "iat": now,
            "exp": now + 300, **SOCIAL_WORKER, **overrides}


def test_a_real_token_from_the_idp_is_accepted(live_stack):
    body = live_stack.graphql(ME)
    assert body["data"]["me"]["roles"] == ["social_worker"]


def test_a_minted_control_token_is_accepted(live_stack):
    """The attacks below differ from this token in one thing only."""
    token = mint(live_stack.settings, SOCIAL_WORKER)
    assert live_stack.graphql(ME, token=token)["data"]["me"]["roles"] == ["social_worker"]


def test_no_token_is_401(live_stack):
    response = live_stack.post(ME, anonymous=True)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert live_stack.post(ME, anonymous=True, headers={"Authorization": "Basic eDp5"}).status_code == 401


def test_alg_none_is_refused(live_stack):
    refused(live_stack, unsigned({"alg": "none", "typ": "JWT"}, claims(live_stack)) + ".")
    refused(live_stack, unsigned({"alg": "None"}, claims(live_stack)) + ".")


def test_hs256_signed_with_the_public_key_is_refused(live_stack):
    key = signing_key(live_stack.settings)
    public_pem = key.as_pem(private=False)
    signing_input = unsigned({"alg": "HS256", "kid": key.kid, "typ": "JWT"}, claims(live_stack))
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    refused(live_stack, f"{signing_input}.{b64(signature)}")


def test_wrong_audience_is_refused(live_stack):
    refused(live_stack, mint(live_stack.settings, {**SOCIAL_WORKER, "aud": "some-other-api"}))


def test_wrong_issuer_is_refused(live_stack):
    refused(live_stack, mint(live_stack.settings, {**SOCIAL_WORKER, "iss": "http://127.0.0.1:1/evil"}))


def test_expired_token_is_refused(live_stack):
    now = int(time.time())
    refused(live_stack, mint(live_stack.settings, {**SOCIAL_WORKER, "iat": now - 4000, "exp": now - 3600}))


def test_a_token_accepted_before_is_refused_once_it_expires(live_stack):
    """Verified signatures are remembered, expiry is not: the app must refuse the same token once it runs out.
    (Expired 28 s ago is still inside the 30 s clock-skew allowance; 3 s later it is not.)"""
    now = int(time.time())
    token = mint(live_stack.settings, {**SOCIAL_WORKER, "iat": now - 600, "exp": now - 28})
    assert live_stack.graphql(ME, token=token)["data"]["me"]["roles"] == ["social_worker"]
    time.sleep(3)
    refused(live_stack, token)


def test_token_without_exp_is_refused(live_stack):
    key = signing_key(live_stack.settings)
    from joserfc import jwt

    body = claims(live_stack)
    del body["exp"]
    refused(live_stack, jwt.encode({"alg": "RS256", "kid": key.kid}, body, key))


def test_token_without_iss_or_aud_is_refused(live_stack):
    key = signing_key(live_stack.settings)
    from joserfc import jwt

    for missing in ("iss", "aud", "sub"):
        body = claims(live_stack)
        del body[missing]
        refused(live_stack, jwt.encode({"alg": "RS256", "kid": key.kid}, body, key))


def test_tampered_payload_is_refused(live_stack):
    header, _, signature = live_stack.token("social_worker").split(".")
    forged = b64(json.dumps(claims(live_stack, roles=["ig_reviewer", "team_manager"])).encode())
    refused(live_stack, f"{header}.{forged}.{signature}")


def test_unknown_kid_refetches_the_jwks_once_then_refuses(live_stack):
    live_stack.graphql(ME)  # keys already cached
    attacker = RSAKey.generate_key(2048, parameters={"kid": "attacker-key"}, private=True)
    before = live_stack.idp.jwks_requests
    refused(live_stack, mint(live_stack.settings, SOCIAL_WORKER, key=attacker))
    assert live_stack.idp.jwks_requests - before == 1


def test_a_key_signed_by_another_key_with_the_real_kid_is_refused(live_stack):
    attacker = RSAKey.generate_key(2048, private=True)
    real_kid = signing_key(live_stack.settings).kid
    refused(live_stack, mint(live_stack.settings, SOCIAL_WORKER, key=attacker, header={"kid": real_kid}))


def test_garbage_tokens_are_refused(live_stack):
    for token in ("x", "a.b.c", "a.b", "." * 5000, "eyJhbGciOiJSUzI1NiJ9.e30.AAAA"):
        refused(live_stack, token)


def test_a_token_with_no_known_role_is_forbidden(live_stack):
    token = mint(live_stack.settings, {"sub": "user:nobody", "roles": ["admin", "superuser"]})
    response = live_stack.post(ME, token=token)
    assert response.status_code == 403


def test_integrator_scopes_come_from_client_credentials(live_stack):
    me = live_stack.graphql(ME, role="integrator")["data"]["me"]
    assert me == {"roles": ["integrator"], "scopes": ["people:read", "services:read"]}
    narrowed = live_stack.graphql(ME, token=live_stack.token("integrator", scope="people:read"))["data"]["me"]
    assert narrowed["scopes"] == ["people:read"]


def test_every_demo_role_signs_in_through_the_idp(live_stack):
    for role in ("social_worker", "team_manager", "massh_analyst", "ig_reviewer", "data_manager", "integrator"):
        assert live_stack.graphql(ME, role=role)["data"]["me"]["roles"] == [role]


def test_keycloak_and_entra_claims_map_through_settings(live_stack):
    import dataclasses

    keycloak = dataclasses.replace(live_stack.settings, role_claim="realm_access.roles",
                                   role_map=json.dumps({"fc-analyst": "massh_analyst"}))
    p = principal_from_claims({"sub": "u1", "realm_access": {"roles": ["fc-analyst", "offline_access"]},
                               "scope": "openid people:read"}, keycloak)
    assert p.roles == {"massh_analyst"} and p.scopes == {"people:read"}
    entra = dataclasses.replace(live_stack.settings, scope_claim="scp",
                                role_map=json.dumps({"FamilyContext.SocialWorker": "social_worker"}))
    p = principal_from_claims({"sub": "u2", "roles": ["FamilyContext.SocialWorker", "Unmapped"],
                               "scp": "people:read bogus"}, entra)
    assert p.roles == {"social_worker"} and p.scopes == {"people:read"}
