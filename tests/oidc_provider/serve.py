"""Starts the test OpenID Connect provider: `python -m tests.oidc_provider.serve --port P
--data-dir D`. Creates its RSA key and SQLite database in D, migrates, registers the clients and
agents of world.py, then serves on 127.0.0.1:P with a threaded server until killed."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def rsa_key_write(path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def world_register() -> None:
    from django.contrib.auth.models import User
    from oauth2_provider.models import get_application_model

    from tests.oidc_provider.world import (
        AGENTS,
        CLIENTS,
        POST_LOGOUT_REDIRECT_URIS,
        REDIRECT_URIS,
    )

    application_model = get_application_model()
    for client in CLIENTS:
        application_model.objects.update_or_create(
            client_id=client.client_id,
            defaults={
                "name": client.client_id,
                "client_secret": client.secret,
                "client_type": application_model.CLIENT_CONFIDENTIAL,
                "authorization_grant_type": application_model.GRANT_AUTHORIZATION_CODE,
                "algorithm": application_model.RS256_ALGORITHM,
                "redirect_uris": " ".join(REDIRECT_URIS),
                "post_logout_redirect_uris": " ".join(POST_LOGOUT_REDIRECT_URIS),
                "skip_authorization": True,
            },
        )
    for agent in AGENTS:
        user, _ = User.objects.update_or_create(
            username=agent.username,
            defaults={
                "email": agent.email,
                "first_name": agent.given_name,
                "last_name": agent.usual_name,
            },
        )
        user.set_password(agent.password)
        user.save()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args()
    data_dir = args.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if not (data_dir / "rsa.pem").exists():
        rsa_key_write(data_dir / "rsa.pem")
    os.environ["OP_DATA_DIR"] = str(data_dir)
    os.environ["OP_ISSUER"] = f"http://127.0.0.1:{args.port}/o"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

    import django
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    world_register()
    run("127.0.0.1", args.port, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main()
