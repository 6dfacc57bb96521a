"""The report « Engagements Quartiers 2030 » of a département, as of a chosen date.

Gathers only public data: key figures (indicators), the map of the QPV, the QPV table by
contract, the programmes' targets with their status on the date, the signing calendar and a
summary of the priority actions (titles, themes, status — never their leads, e-mails, budgets
or follow-up notes, never anything from the funding files of associations).

« As of the date »: contracts' status comes from their dated transitions, progress values
entered after the date are ignored, calendar entries after the date are « prévues ». Indicator
values are the latest imported ones (their period is printed); priority actions carry no
status history, so their current status is shown, which the report says.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Prefetch

from quartiers.contracts.choices import ActionStatus, ContractStatus
from quartiers.contracts.models import Action, Contract, ContractQPV
from quartiers.core.site import departement_name
from quartiers.geography.models import QPV, ImportRun, NpnruStatus
from quartiers.indicators.keyfigures import KeyFigures, key_figures_compute
from quartiers.portal.report_map import ReportMaps, report_maps_build
from quartiers.programmes.models import Measure, ProgressEntry
from quartiers.programmes.selectors import MeasureRow, measure_row
from quartiers.programmes.status import Status

TITLE = "Engagements Quartiers 2030"
GENERATION = 2024
IMPORT_LABELS = {
    "departements": "Département (référentiel)",
    "arrondissements": "Arrondissements (référentiel)",
    "epci": "EPCI (référentiel)",
    "communes": "Communes (référentiel et populations)",
    "contours_departements": "Contour du département",
    "contours_arrondissements": "Contours des arrondissements",
    "contours_communes": "Contours des communes",
    "qpv": "Quartiers prioritaires (contours, géographie 2024)",
    "qpv_attributes": "Populations des QPV",
    "npnru": "Statut NPNRU estimé (non officiel)",
    "indicators_sigville": "Indicateurs des QPV (SIG Ville)",
    "contracts_2024": "Contrats de ville 2024",
    "contracts_2015": "Contrats de ville 2015",
    "contract_qpv": "Rattachement des QPV aux contrats",
}


@dataclass(frozen=True)
class QPVLine:
    code: str
    name: str
    communes: str
    population: int | None
    npnru_label: str
    npnru_estimated: bool
    uncertain: bool


@dataclass(frozen=True)
class ContractBlock:
    code: str
    name: str
    carrier: str
    status_label: str
    signed_on: date | None
    qpvs: list[QPVLine]

    @property
    def population(self) -> int:
        return sum(q.population or 0 for q in self.qpvs)

    @property
    def uncertain_count(self) -> int:
        return sum(1 for q in self.qpvs if q.uncertain)


@dataclass(frozen=True)
class CalendarEntry:
    on: date
    label: str
    contract_code: str
    done: bool  # the date is on or before the report's date


@dataclass(frozen=True)
class ProgrammeBlock:
    name: str
    responsible_body: str
    source: str
    rows: list[MeasureRow]


@dataclass(frozen=True)
class ActionLine:
    contract_code: str
    title: str
    theme: str
    status: str


@dataclass(frozen=True)
class Source:
    label: str
    detail: str


@dataclass(frozen=True)
class ReportData:
    on: date
    departement_code: str
    departement_name: str  # « Rhône »
    departement_of: str  # « du Rhône », « de La Réunion »
    key_figures: KeyFigures
    maps: ReportMaps
    contracts: list[ContractBlock]
    qpvs_without_contract: list[QPVLine]
    calendar: list[CalendarEntry]
    programmes: list[ProgrammeBlock]
    status_counts: list[tuple[str, str, int]]  # (status code, label, count) of the targets
    actions: list[ActionLine]
    action_counts: list[tuple[str, int]]
    sources: list[Source] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{TITLE} — {self.departement_name}"

    @property
    def qpv_rows(self) -> int:
        """QPV listed in the table (a shared QPV appears under each of its contracts)."""
        return len({q.code for c in self.contracts for q in c.qpvs}) + len(
            self.qpvs_without_contract
        )


def _qpv_line(qpv: QPV, *, uncertain: bool) -> QPVLine:
    return QPVLine(
        code=qpv.code,
        name=qpv.name,
        communes=", ".join(c.name for c in qpv.communes.all()),
        population=qpv.population,
        npnru_label=_npnru_short(qpv),
        npnru_estimated=qpv.npnru_status == NpnruStatus.UNKNOWN and bool(qpv.npnru_estimate),
        uncertain=uncertain,
    )


def _npnru_short(qpv: QPV) -> str:
    """Confirmed NPNRU status, else the estimate's label without « (estimé) » (flagged apart)."""
    if qpv.npnru_status != NpnruStatus.UNKNOWN or not qpv.npnru_estimate:
        return qpv.get_npnru_status_display()
    return qpv.get_npnru_estimate_display().replace(" (estimé)", "")


def contract_status_on(*, contract: Contract, on: date) -> str:
    """The contract's status on the date, from its dated transitions (current one otherwise)."""
    transitions = list(contract.transitions.all())
    if not transitions:
        return contract.status
    past = [t for t in transitions if t.on <= on]
    return past[-1].to_status if past else transitions[0].from_status


def _contracts(*, departement_code: str, on: date) -> tuple[list[ContractBlock], list[QPVLine]]:
    qpvs = QPV.objects.filter(generation=GENERATION, departement_code=departement_code)
    links = ContractQPV.objects.filter(qpv__in=qpvs).select_related("qpv")
    links = links.prefetch_related("qpv__communes").order_by("qpv__code")
    contracts = (
        Contract.objects.filter(generation=GENERATION, qpv_links__qpv__in=qpvs)
        .distinct()
        .select_related("carrier_epci", "carrier_commune")
        .prefetch_related(Prefetch("qpv_links", queryset=links), "transitions")
        .order_by("code")
    )
    blocks = []
    for contract in contracts:
        status = contract_status_on(contract=contract, on=on)
        signed = [t.on for t in contract.transitions.all() if t.to_status == ContractStatus.SIGNED]
        signed_on = signed[0] if signed and signed[0] <= on else None
        blocks.append(
            ContractBlock(
                code=contract.code,
                name=contract.name,
                carrier=str(contract.carrier or contract.carrier_code),
                status_label=ContractStatus(status).label,
                signed_on=signed_on,
                qpvs=[
                    _qpv_line(link.qpv, uncertain=link.is_uncertain)
                    for link in contract.qpv_links.all()
                ],
            )
        )
    orphans = qpvs.filter(contract_links__isnull=True).prefetch_related("communes")
    return blocks, [_qpv_line(q, uncertain=False) for q in orphans]


def _calendar(*, on: date) -> list[CalendarEntry]:
    contracts = Contract.objects.filter(signing_planned_on__isnull=False).order_by(
        "signing_planned_on", "code"
    )
    return [
        CalendarEntry(
            on=c.signing_planned_on,
            label=c.signing_label or c.name,
            contract_code=c.code,
            done=c.signing_planned_on <= on,
        )
        for c in contracts
    ]


def _programmes(*, on: date) -> list[ProgrammeBlock]:
    """Each programme's measures with their status on the date (later entries ignored)."""
    entries = ProgressEntry.objects.filter(on__lte=on).order_by("on")
    measures = (
        Measure.objects.select_related("programme", "contract", "departement")
        .prefetch_related(Prefetch("entries", queryset=entries))
        .order_by("programme__order", "programme__name", "order", "label")
    )
    blocks: dict[int, ProgrammeBlock] = {}
    for measure in measures:
        programme = measure.programme
        block = blocks.setdefault(
            programme.pk,
            ProgrammeBlock(programme.name, programme.responsible_body, programme.source, []),
        )
        block.rows.append(measure_row(measure=measure, today=on))
    return list(blocks.values())


def _actions() -> list[ActionLine]:
    actions = Action.objects.filter(is_priority=True, contract__generation=GENERATION)
    return [
        ActionLine(a.contract.code, a.title, a.get_theme_display(), a.get_status_display())
        for a in actions.select_related("contract").order_by("contract__code", "priority_rank")
    ]


def _sources(data: KeyFigures) -> list[Source]:
    sources = []
    for run in ImportRun.objects.filter(applied=True).order_by("kind", "-started_at"):
        if any(s.label == IMPORT_LABELS.get(run.kind, run.kind) for s in sources):
            continue  # the latest applied run of each kind
        name = run.source.replace("\\", "/").rsplit("/", 1)[-1]
        label = IMPORT_LABELS.get(run.kind, run.kind)
        sources.append(Source(label, f"{name} — importé le {run.started_at:%d/%m/%Y}"))
    for figure in data.figures:
        if figure.source:
            sources.append(Source(figure.label, f"{figure.source} ; millésime {figure.vintage}"))
    return sources


def report_build(*, on: date, departement_code: str | None = None) -> ReportData:
    """The report of `departement_code` (default: the DEPARTEMENT setting) at the date `on`."""
    departement_code = departement_code or settings.DEPARTEMENT
    place = departement_name(code=departement_code)
    key_figures = key_figures_compute(code=departement_code)
    contracts, orphans = _contracts(departement_code=departement_code, on=on)
    programmes = _programmes(on=on)
    statuses = Counter(row.result.status for block in programmes for row in block.rows)
    actions = _actions()
    action_counts = Counter(a.status for a in actions)
    return ReportData(
        on=on,
        departement_code=departement_code,
        departement_name=place.name,
        departement_of=place.of,
        key_figures=key_figures,
        maps=report_maps_build(departement_code=departement_code),
        contracts=contracts,
        qpvs_without_contract=orphans,
        calendar=_calendar(on=on),
        programmes=programmes,
        status_counts=[(s.value, s.label, statuses[s]) for s in Status if statuses[s]],
        actions=actions,
        action_counts=[
            (s.label, action_counts[s.label]) for s in ActionStatus if action_counts[s.label]
        ],
        sources=_sources(key_figures),
    )
