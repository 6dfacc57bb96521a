"""Demo set-up: the real Nord geography plus a few demo accounts with fixed, printed passwords.

Used by `manage.py demo_setup` (and so by `make demo`). Never meant for production: the
passwords are public, they are written in this file and printed in the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from quartiers.core.models import Role, User
from quartiers.geography.importers import ImportSummary, import_nord_demo
from quartiers.geography.importers.national import departement_code_normalize, departement_import
from quartiers.indicators.importers import import_nord_indicators
from quartiers.indicators.importers.reference import reference_values_import
from quartiers.indicators.importers.service import import_departement_indicators

# The département whose richer local files (contours, NPNRU estimate, press kit) exist.
NORD = "59"

# The file every demo import needs first; its absence means the data directory is wrong.
DEMO_MARKER_FILE = Path("qpv") / "qpv2024_nord.geojson"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    first_name: str
    last_name: str
    organisation: str
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
        organisation="Préfecture du Nord — mission politique de la ville",
    ),
    DemoAccount(
        username="demo-admin",
        password="admin-quartiers-2030",  # noqa: S106
        role=Role.ADMIN,
        first_name="Dominique",
        last_name="Lefebvre",
        organisation="Préfecture du Nord",
        is_admin=True,
    ),
    DemoAccount(
        username="demo-delegue",
        password="delegue-quartiers-2030",  # noqa: S106
        role=Role.DELEGATE,
        first_name="Samia",
        last_name="Benali",
        organisation="Préfecture du Nord — délégués du préfet",
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


def demo_data_import(*, data_dir: Path, departement: str | None = None) -> list[ImportSummary]:
    """Import the département's geography, then its indicators (they refer to QPV, communes).

    The Nord (default) uses its local files; any other département (setting DEPARTEMENT) the
    national ones. All or nothing; each importer compares with the registry, so a second run
    changes nothing.
    """
    path = demo_data_dir_check(data_dir=data_dir)
    code = departement_code_normalize(departement or settings.DEPARTEMENT)
    with transaction.atomic():
        if code == NORD:
            summaries: list[ImportSummary] = list(import_nord_demo(data_dir=path, apply=True))
            summaries += import_nord_indicators(data_dir=path, apply=True)
        else:
            summaries = list(departement_import(data_dir=path, departement=code, apply=True))
            summaries += import_departement_indicators(data_dir=path, departement=code, apply=True)
        # Communes, EPCI, département and France: population series and Filosofi 2021.
        summaries += reference_values_import(data_dir=path, departement=code, apply=True)
    return summaries


def demo_content_seed(*, data_dir: Path, departement: str | None = None) -> list[str]:
    """Demo content on top of the real data: contracts' calendar and examples, programmes.

    Each seed is idempotent; returns one printable report per seed. Outside the Nord only the
    contracts (national files) are set up: the calendar, the examples, the programmes, the
    demo grants and the posts come from the Nord's press kit and files.
    """
    from quartiers.contracts.demo import seed_contracts_demo
    from quartiers.contracts.national import contracts_import_departement
    from quartiers.grants.demo import seed_grants_demo
    from quartiers.grants.services.posts import POSTS_DIR, posts_import
    from quartiers.organisation.demo import seed_organisation_demo
    from quartiers.programmes.seed import seed_programmes_demo

    path = demo_data_dir_check(data_dir=data_dir)
    code = departement_code_normalize(departement or settings.DEPARTEMENT)
    if code != NORD:
        with transaction.atomic():
            summaries = contracts_import_departement(data_dir=path, departement=code, apply=True)
            return [str(s) for s in summaries]
    with transaction.atomic():
        # The organisation seed links the demo accounts (délégué, partner): they exist by now.
        reports = [
            seed_contracts_demo(data_dir=path),
            seed_programmes_demo(),
            seed_organisation_demo(),
            seed_grants_demo(),
        ]
        # The Nord's adultes-relais and FONJEP posts (after the contracts they refer to).
        reports.append(posts_import(directory=path / POSTS_DIR, apply=True))
    return [str(report) for report in reports]


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
        "organisation": account.organisation,
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
