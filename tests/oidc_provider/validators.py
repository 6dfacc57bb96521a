"""ProConnect's behaviour on top of django-oauth-toolkit's OpenID Connect validator: one scope
per claim, acr "eidas1", and userinfo as a JWT signed with the provider's RSA key for the
ProConnect-like client."""

from __future__ import annotations

import json
import time

from jwcrypto import jwt
from oauth2_provider.oauth2_validators import OAuth2Validator

from tests.oidc_provider.world import ACR, IDP_ID, PROCONNECT_LIKE, SIRET


class ProConnectLikeValidator(OAuth2Validator):
    oidc_claim_scope = {
        "sub": "openid",
        "acr": "openid",
        "given_name": "given_name",
        "usual_name": "usual_name",
        "email": "email",
        "uid": "uid",
        "siret": "siret",
        "idp_id": "idp_id",
    }

    def get_additional_claims(self, request):
        user = request.user
        return {
            "acr": ACR,
            "given_name": user.first_name,
            "usual_name": user.last_name,
            "email": user.email,
            "uid": user.username,
            "siret": SIRET,
            "idp_id": IDP_ID,
        }

    def get_userinfo_claims(self, request):
        claims = super().get_userinfo_claims(request)
        if request.client.client_id != PROCONNECT_LIKE.client_id:
            return claims  # a dict: oauthlib answers application/json
        claims.update(
            iss=self.get_oidc_issuer_endpoint(request),
            aud=request.client.client_id,
            iat=int(time.time()),
        )
        key = request.client.jwk_key
        token = jwt.JWT(
            header=json.dumps({"alg": "RS256", "kid": key.thumbprint(), "typ": "JWT"}),
            claims=json.dumps(claims),
        )
        token.make_signed_token(key)
        return token.serialize()  # a string: oauthlib answers application/jwt
