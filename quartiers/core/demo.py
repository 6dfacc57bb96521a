"""Demo set-up: the real Nord geography plus a few demo accounts with fixed, printed passwords.

Used by `manage.py demo_setup` (and so by `make demo`). Core knows no domain app: each app
registers its data import (`demo_import_register`) or its demo content (`demo_seed_register`)
from its AppConfig.ready(), with an order (imports: geography 10, indicators 20; seeds:
contracts 10, programmes 20, organisation 30, grants 40). Never meant for production: the
passwords are public, they are written in this file and printed in the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from quartiers.core.models import Role, User
from quartiers.core.site import site_identity
from quartiers.shared.codes import departement_code_normalize

# (order, function of the data directory and the département code), filled by the apps' ready().
_IMPORTS: list[tuple[int, Callable[[Path, str], list[Any]]]] = []
_SEEDS: list[tuple[int, Callable[[Path, str], Any]]] = []


def demo_import_register(*, order: int, importer: Callable[[Path, str], list[Any]]) -> None:
    """`importer(data_dir, departement)` imports real data (applied), returns its summaries."""
    _IMPORTS.append((order, importer))


def demo_seed_register(*, order: int, seeder: Callable[[Path, str], Any]) -> None:
    """`seeder(data_dir, departement)` adds idempotent demo content and returns a printable
    report (None: nothing for this département)."""
    _SEEDS.append((order, seeder))


# The file every demo import needs first; its absence means the data directory is wrong.
DEMO_MARKER_FILE = Path("qpv") / "qpv2024_nord.geojson"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    first_name: str
    last_name: str
    organisation: str  # « {prefecture} » stands for the deploying préfecture's name
    is_admin: bool = False

    @property
    def role_label(self) -> str:
        return Role(self.role).label


# Public demo credentials (demo only: demo_setup refuses to run when PRODUCTION is true).
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        username="demo-agent",
        password="agent-quartiers-2030",  # noqa: S106
        role=Role.AGENT,
        first_name="Camille",
        last_name="Martin",
        organisation="{prefecture} — mission politique de la ville",
    ),
    DemoAccount(
        username="demo-admin",
        password="admin-quartiers-2030",  # noqa: S106
        role=Role.ADMIN,
        first_name="Dominique",
        last_name="Lefebvre",
        organisation="{prefecture}",
        is_admin=True,
    ),
    DemoAccount(
        username="demo-delegue",
        password="delegue-quartiers-2030",  # noqa: S106
        role=Role.DELEGATE,
        first_name="Samia",
        last_name="Benali",
        organisation="{prefecture} — délégués du préfet",
    ),
    DemoAccount(
        username="demo-association",
        password="association-quartiers-2030",  # noqa: S106
        role=Role.ASSOCIATION,
        first_name="Nadia",
        last_name="Hamidi",
        organisation="Association démo Jardins partagés de l'Alma",
    ),
    DemoAccount(
        username="demo-partenaire",
        password="partenaire-quartiers-2030",  # noqa: S106
        role=Role.PARTNER,
        first_name="Julien",
        last_name="Dubois",
        organisation="France Travail Hauts-de-France",
    ),
)


@dataclass(frozen=True)
class AccountResult:
    account: DemoAccount
    status: str  # "créé", "mis à jour" or "inchangé"


def demo_data_dir_check(*, data_dir: Path) -> Path:
    """Return the data directory, or raise a French error naming QUARTIERS_DATA_DIR."""
    path = Path(data_dir)
    if not path.is_dir():
        raise ImproperlyConfigured(
            f"Dossier de données introuvable : {path}. Placez les données réelles à cet "
            "endroit (par défaut ../shared/data à côté du dépôt) ou indiquez leur dossier "
            "dans la variable d'environnement QUARTIERS_DATA_DIR."
        )
    if not (path / DEMO_MARKER_FILE).is_file():
        raise ImproperlyConfigured(
            f"Le dossier de données {path} ne contient pas {DEMO_MARKER_FILE}. Vérifiez la "
            "variable d'environnement QUARTIERS_DATA_DIR (elle doit désigner le dossier qui "
            "contient qpv/, referentiel/, contours/, npnru/ et indicateurs/)."
        )
    return path


def demo_data_import(*, data_dir: Path, departement: str | None = None) -> list[Any]:
    """Import the département's geography, then its indicators (they refer to QPV, communes).

    The Nord (default) uses its local files; any other département (setting DEPARTEMENT) the
    national ones. All or nothing; each importer compares with the registry, so a second run
    changes nothing.
    """
    path = demo_data_dir_check(data_dir=data_dir)
    summaries: list[Any] = []
    code = departement_code_normalize(departement or settings.DEPARTEMENT)
    with transaction.atomic():
        for _order, importer in sorted(_IMPORTS, key=lambda item: item[0]):
            summaries += importer(path, code)
    return summaries


def demo_content_seed(*, data_dir: Path, departement: str | None = None) -> list[str]:
    """Demo content on top of the real data: contracts' calendar and examples, programmes.

    Each seed is idempotent; returns one printable report per seed. Outside the Nord only the
    contracts (national files) are set up: the calendar, the examples, the programmes, the
    demo grants and the posts come from the Nord's press kit and files.
    """
    path = demo_data_dir_check(data_dir=data_dir)
    code = departement_code_normalize(departement or settings.DEPARTEMENT)
    with transaction.atomic():
        # The organisation seed links the demo accounts (délégué, partner): they exist by now.
        reports = [seeder(path, code) for _order, seeder in sorted(_SEEDS, key=lambda i: i[0])]
    texts: list[str] = []
    for report in reports:  # None: nothing for this département; a list: one per import
        if isinstance(report, list):
            texts += [str(item) for item in report]
        elif report is not None:
            texts.append(str(report))
    return texts


def demo_production_refuse() -> None:
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            "demo_setup crée des comptes aux mots de passe publics : il est refusé quand "
            "PRODUCTION=true. En production, importez les données avec les commandes import_* "
            "et créez les comptes avec `manage.py createsuperuser` puis l'administration."
        )


def demo_account_ensure(*, account: DemoAccount) -> AccountResult:
    """Create the account, or bring it back to its demo state; touch nothing already right."""
    fields = {
        "role": account.role,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "organisation": account.organisation.format(prefecture=site_identity().prefecture),
        "email": f"{account.username}@demo.invalid",
        "is_staff": account.is_admin,
        "is_superuser": account.is_admin,
        "is_active": True,
    }
    user = User.objects.filter(username=account.username).first()
    if user is None:
        user = User(username=account.username, **fields)
        user.set_password(account.password)
        user.save()
        return AccountResult(account=account, status="créé")

    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, fields[name])
    # Passwords are compared, never re-set when right: set_password() salts a new hash each
    # time, which would make every run a change.
    if not user.check_password(account.password):
        user.set_password(account.password)
        changed.append("password")
    if not changed:
        return AccountResult(account=account, status="inchangé")
    user.save()
    return AccountResult(account=account, status="mis à jour")


def demo_accounts_ensure() -> list[AccountResult]:
    demo_production_refuse()
    return [demo_account_ensure(account=account) for account in DEMO_ACCOUNTS]
