"""The parameterised pages of the accessibility audit: one real object of each kind from the Nord
demo (`manage.py demo_setup`), plus the two things the demo does not create (a dispositif on the
ground and a finished georeferencing job of the demo agent)."""

from __future__ import annotations

import io

from django.urls import reverse

from quartiers.contracts.models import Action, Contract, Milestone
from quartiers.core.models import User
from quartiers.geography.models import QPV, Commune
from quartiers.georef.batch import BatchOptions
from quartiers.georef.jobs.services import job_create, job_run
from quartiers.grants.models import Application, Association
from quartiers.indicators.models import Indicator
from quartiers.organisation.models import Commitment, PrefectDelegate
from quartiers.programmes.models import Dispositif, Measure

# A QPV and the contract the ANCT source links it to along with another (« rattachement
# incertain »), the MEL's contract (the demo's actions) and the commune of Lille.
SHARED_QPV, SHARED_CONTRACT, ACTIONS_CONTRACT, COMMUNE = "QN05920M", "CN05902M", "CN05911M", "59350"
POINTS = "id;lon;lat\n1;3.0573;50.6292\n2;3.0700;50.6330\n3;2.3522;48.8566\n"


def _dispositif() -> Dispositif:
    qpv = QPV.objects.get(code="QN05981M")
    dispositif, _ = Dispositif.objects.get_or_create(
        kind="mediateur_sante",
        name="Médiateur santé du CCAS (audit)",
        commune=Commune.objects.get(insee_code="59512"),
        defaults={"contract_codes": [ACTIONS_CONTRACT]},
    )
    dispositif.qpvs.set([qpv])
    return dispositif


def _georef_job(owner: User):
    upload = io.BytesIO(POINTS.encode("utf-8"))
    job = job_create(
        owner=owner,
        upload=upload,
        original_name="points.csv",
        options=BatchOptions(),
        enqueue=False,
    )
    return job_run(job_id=job.id) or job


def demo_detail_paths() -> dict[str, str]:
    """One page of each parameterised route a visitor reads or fills in, by the keys of the
    accessibility statement's list (quartiers.core.accessibility.AUDITED_DETAIL_PAGES).
    POST-only routes (a contract's themes, a new milestone, a measure's values) have no page."""
    contract = Contract.objects.get(code=SHARED_CONTRACT)
    action = Action.objects.filter(contract__code=ACTIONS_CONTRACT).order_by("pk").first()
    action = action or Action.objects.order_by("pk").first()
    milestone = Milestone.objects.order_by("pk").first()
    qpv = QPV.objects.get(code=SHARED_QPV)
    commune = Commune.objects.select_related("arrondissement", "epci").get(insee_code=COMMUNE)
    alma = Association.objects.get(memberships__user__username="demo-association")
    own = Application.objects.filter(association=alma).order_by("pk").first()
    granted = Application.objects.filter(status="accordee").order_by("pk").first()
    partner = User.objects.get(username="demo-partenaire")
    commitment = (
        Commitment.objects.filter(organisation=partner.partner_organisation).order_by("pk").first()
    )
    delegate = PrefectDelegate.objects.get(user__username="demo-delegue")
    measure = Measure.objects.order_by("code").first()
    rate = Indicator.objects.exclude(denominator=None).order_by("code").first()
    job = _georef_job(User.objects.get(username="demo-agent"))
    return {
        "qpv": reverse("geography:qpv_detail", args=[qpv.code]),
        "commune": reverse("geography:commune_detail", args=[commune.insee_code]),
        "epci": reverse("geography:epci_detail", args=[commune.epci.siren]),
        "arrondissement": reverse(
            "geography:arrondissement_detail", args=[commune.arrondissement.insee_code]
        ),
        "departement": reverse("geography:departement_detail", args=["59"]),
        "contract": reverse("contracts:contract_detail", args=[contract.code]),
        "contract_actions": reverse("contracts:contract_detail", args=[ACTIONS_CONTRACT]),
        "action_create": reverse("contracts:action_create", args=[ACTIONS_CONTRACT]),
        "action": reverse("contracts:action_detail", args=[action.pk]),
        "action_edit": reverse("contracts:action_edit", args=[action.pk]),
        "milestone_edit": reverse("contracts:milestone_edit", args=[milestone.pk]),
        "scorecard": reverse("indicators:contract_scorecard", args=[contract.code]),
        "indicator": reverse("indicators:indicator_detail", args=[rate.code]),
        "choropleth": reverse("indicators:choropleth", args=[rate.code]),
        "measure": reverse("programmes:measure_detail", args=[measure.code]),
        "dispositif_edit": reverse("programmes:dispositif_edit", args=[_dispositif().pk]),
        "delegate": reverse("organisation:delegate_detail", args=[delegate.pk]),
        "delegate_edit": reverse("organisation:delegate_edit", args=[delegate.pk]),
        "commitment": reverse("organisation:commitment_detail", args=[commitment.pk]),
        "commitment_edit": reverse("organisation:commitment_edit", args=[commitment.pk]),
        "application": reverse("grants:application_detail", args=[own.uuid]),
        "application_edit": reverse("grants:application_edit", args=[own.uuid]),
        "application_granted": reverse("grants:application_detail", args=[granted.uuid]),
        "association": reverse("grants:association_detail", args=[alma.uuid]),
        "georef_job": reverse("georef:job_detail", args=[job.id]),
    }
