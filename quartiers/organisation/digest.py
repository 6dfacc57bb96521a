"""Weekly digest of late milestones (« suivi renforcé »), sent through Django's mail backend
(console in the demo, SMTP in production through EMAIL_BACKEND).

Three audiences, each with its own message:
- préfecture agents and administrators: every late milestone (`milestone_digest_build`);
- each délégué du préfet: the late milestones of the actions on their territory only, by the
  rule of `quartiers.contracts.access` (`delegate_territory` + `delegate_actions_q`, the same as
  their « Mon territoire » page and their edit rights);
- optionally, the project lead of each priority action (`Action.lead_email`): the late
  milestones of the priority actions they lead, only when there is one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage, get_connection, send_mail
from django.db.models import QuerySet

from quartiers.contracts.access import delegate_actions_q, delegate_territory
from quartiers.contracts.models import Action, Milestone
from quartiers.core.links import absolute_url
from quartiers.core.models import Role, User
from quartiers.core.site import site_identity
from quartiers.organisation.models import PrefectDelegate


@dataclass(frozen=True)
class Digest:
    subject: str
    body: str
    late_count: int


@dataclass(frozen=True)
class SentDigest:
    """One message of the weekly run: to whom (audience in French) and what."""

    audience: str
    recipients: list[str]
    digest: Digest


def _late(*, today: date, priority_only: bool, actions: QuerySet | None = None) -> list[Milestone]:
    late = Milestone.objects.late(today=today).select_related("action__contract")
    if priority_only:
        late = late.filter(action__is_priority=True)
    if actions is not None:
        late = late.filter(action__in=actions)
    return list(late.order_by("action__contract__code", "due_on", "pk"))


def _render(*, today: date, late: list[Milestone], scope: str, subject_scope: str = "") -> Digest:
    subject = f"[Quartiers 2030] Jalons en retard au {today:%d/%m/%Y}{subject_scope} : {len(late)}"
    lines = [
        "Bonjour,",
        "",
        f"Voici les jalons {scope} dont l'échéance est dépassée au {today:%d/%m/%Y} ({len(late)}).",
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
        lines.append(f"    {absolute_url('contracts:action_detail', action.pk)}")
    if not late:
        lines.append("Aucun jalon en retard : rien à signaler cette semaine.")
    lines += [
        "",
        f"Tableau de suivi renforcé : {absolute_url('contracts:follow_up')}",
        "",
        f"— Quartiers 2030, {site_identity().prefecture}",
    ]
    return Digest(subject=subject, body="\n".join(lines), late_count=len(late))


def milestone_digest_build(*, today: date, priority_only: bool = False) -> Digest:
    """Every late milestone, for the préfecture."""
    return _render(
        today=today,
        late=_late(today=today, priority_only=priority_only),
        scope="des actions des contrats « quartiers 2030 »",
    )


def delegate_digest_build(
    *, delegate: PrefectDelegate, today: date, priority_only: bool = False
) -> Digest:
    """The late milestones of the actions on the délégué's territory, and nothing else."""
    territory = delegate_territory(delegate=delegate)
    actions = Action.objects.filter(delegate_actions_q(territory=territory)).distinct()
    return _render(
        today=today,
        late=_late(today=today, priority_only=priority_only, actions=actions),
        scope=f"des actions de votre territoire (délégué du préfet : {delegate.name})",
        subject_scope=" sur votre territoire",
    )


def digest_recipients() -> list[str]:
    """Active préfecture staff with an e-mail address."""
    return sorted(
        User.objects.filter(is_active=True, role__in=[Role.ADMIN, Role.AGENT])
        .exclude(email="")
        .values_list("email", flat=True)
    )


def delegate_address(delegate: PrefectDelegate) -> str:
    """The délégué's address (their own, else their account's); none when their account is
    deactivated (they left: the territory's mail must not follow them)."""
    user = delegate.user
    if user is not None and not user.is_active:
        return ""
    return delegate.email or (user.email if user is not None else "")


def lead_digests_build(*, today: date) -> dict[str, Digest]:
    """Per project-lead address (as stored on the action, compared case-insensitively): the
    late milestones of the priority actions they lead; leads with nothing late get nothing."""
    by_lead: dict[str, list[Milestone]] = defaultdict(list)
    for milestone in _late(today=today, priority_only=True):
        email = milestone.action.lead_email.strip().lower()
        if email:
            by_lead[email].append(milestone)
    return {
        email: _render(
            today=today,
            late=late,
            scope="des actions prioritaires dont vous êtes chef de projet",
            subject_scope=" sur vos actions",
        )
        for email, late in sorted(by_lead.items())
    }


def milestone_digest_send(
    *, today: date, recipients: list[str] | None = None, priority_only: bool = False
) -> Digest | None:
    """Send the préfecture digest; None when there is nobody to send it to."""
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


def _planned(*, today: date, priority_only: bool, leads: bool) -> Iterable[SentDigest]:
    staff = digest_recipients()
    if staff:
        digest = milestone_digest_build(today=today, priority_only=priority_only)
        yield SentDigest(audience="préfecture", recipients=staff, digest=digest)
    for delegate in PrefectDelegate.objects.select_related("user").order_by("name", "pk"):
        if address := delegate_address(delegate):
            digest = delegate_digest_build(
                delegate=delegate, today=today, priority_only=priority_only
            )
            yield SentDigest(
                audience=f"délégué {delegate.name}", recipients=[address], digest=digest
            )
    if leads:
        for email, digest in lead_digests_build(today=today).items():
            yield SentDigest(audience="chef de projet", recipients=[email], digest=digest)


def milestone_digests_send(
    *, today: date, priority_only: bool = False, leads: bool = False
) -> list[SentDigest]:
    """The weekly run: the préfecture digest, one message per délégué with an address (their
    territory only) and, with `leads`, one per priority-action project lead with late
    milestones. One message per audience: nobody sees another délégué's territory."""
    sent = list(_planned(today=today, priority_only=priority_only, leads=leads))
    messages = [
        EmailMessage(
            subject=item.digest.subject,
            body=item.digest.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=item.recipients,
        )
        for item in sent
    ]
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)
    return sent
