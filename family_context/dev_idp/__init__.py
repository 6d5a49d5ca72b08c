"""The development identity provider: real OpenID Connect over HTTP on its own loopback port, built with authlib's
AuthorizationServer (Flask). Authorization code + PKCE for the web client and the CLI, client credentials for the
demo integrator; RS256 JWT access tokens carrying role claims; JWKS and a discovery document.

It refuses to start when FC_MODE=production: production settings point FC_OIDC_ISSUER at the council's own
identity provider (Entra ID, Keycloak, ...).

    from family_context.dev_idp import start_dev_idp, DEMO_USERS
    idp = start_dev_idp(settings)           # DevIdP handle: idp.url, idp.stop(), idp.jwks_requests
"""
from family_context.dev_idp.users import DEMO_CLIENTS, DEMO_USERS, DemoUser
from family_context.dev_idp.runner import DevIdP, DevIdPRefused, start_dev_idp

__all__ = ["DEMO_CLIENTS", "DEMO_USERS", "DemoUser", "DevIdP", "DevIdPRefused", "start_dev_idp"]
