"""ProConnect (OpenID Connect) for agents, beside local accounts: docs/auth.md.

- `config`: the settings (all from environment variables), None when not configured;
- `client`: the relying party's protocol steps (discovery, authorization request, code
  exchange, ID token and userinfo checks, RP-initiated logout), over httpx and PyJWT;
- `accounts`: which local account a ProConnect identity opens (match, refuse or provision);
- `views`: the login, callback and logout pages.
"""
