"""Weekly digest of late milestones (« suivi renforcé »), sent through Django's mail backend
(console in the demo, SMTP in production through EMAIL_BACKEND)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail

from quartiers.contracts.models import Milestone
from quartiers.core.models import Role, User


@dataclass(frozen=True)
class Digest:
    subject: str
    body: str
    late_count: int


def milestone_digest_build(*, today: date, priority_only: bool = False) -> Digest:
    late = Milestone.objects.late(today=today).select_related("action__contract")
    if priority_only:
        late = late.filter(action__is_priority=True)
    late = list(late.order_by("action__contract__code", "due_on", "pk"))
    subject = f"[Quartiers 2030] Jalons en retard au {today:%d/%m/%Y} : {len(late)}"
    lines = [
        "Bonjour,",
        "",
        f"Voici les jalons des actions des contrats « quartiers 2030 » dont l'échéance est "
        f"dépassée au {today:%d/%m/%Y} ({len(late)}).",
        "",
    ]
    contract = None
    for milestone in late:
        action = milestone.action
        if action.contract != contract:
            contract = action.contract
            lines += ["", f"{contract.name} ({contract.code})"]
        kind = "action prioritaire" if action.is_priority else "action"
        lead = f" — chef de projet : {action.lead_name}" if action.lead_name else ""
        delay = (today - milestone.due_on).days
        lines.append(
            f"  - {milestone.label} (échéance {milestone.due_on:%d/%m/%Y}, {delay} jour(s) de "
            f"retard) — {kind} « {action.title} »{lead}"
        )
    if not late:
        lines.append("Aucun jalon en retard : rien à signaler cette semaine.")
    lines += ["", "Tableau de suivi renforcé : /contrats/suivi/", "", "— Quartiers 2030"]
    return Digest(subject=subject, body="\n".join(lines), late_count=len(late))


def digest_recipients() -> list[str]:
    """Active préfecture staff with an e-mail address."""
    return sorted(
        User.objects.filter(is_active=True, role__in=[Role.ADMIN, Role.AGENT])
        .exclude(email="")
        .values_list("email", flat=True)
    )


def milestone_digest_send(
    *, today: date, recipients: list[str] | None = None, priority_only: bool = False
) -> Digest | None:
    """Send the digest; None when there is nobody to send it to."""
    recipients = recipients if recipients is not None else digest_recipients()
    if not recipients:
        return None
    digest = milestone_digest_build(today=today, priority_only=priority_only)
    send_mail(
        subject=digest.subject,
        message=digest.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return digest
