"""E-mails to an association when its application changes status (complements asked,
refusal and its reason, amount granted…), sent after the transaction commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from quartiers.core.links import absolute_url
from quartiers.core.site import site_identity
from quartiers.grants.choices import ApplicationStatus
from quartiers.grants.models import Application
from quartiers.grants.services.money import euros

S = ApplicationStatus


def association_addresses(*, application: Application) -> list[str]:
    """The association's address and its active accounts' addresses, without duplicates."""
    association = application.association
    addresses = [association.email] + [
        m.user.email for m in association.memberships.select_related("user") if m.user.is_active
    ]
    seen: dict[str, str] = {}
    for address in addresses:
        if address and address.lower() not in seen:
            seen[address.lower()] = address
    return list(seen.values())


def _what(application: Application) -> list[str]:
    status = S(application.status)
    if status == S.COMPLEMENT:
        return [
            "La préfecture vous demande de compléter votre demande :",
            "",
            application.complement_request,
            "",
            "Complétez-la sur le site puis déposez-la à nouveau.",
        ]
    if status == S.REFUSED:
        return ["Motif du refus :", "", application.refusal_reason]
    if status == S.GRANTED and application.amount_granted is not None:
        return [f"Montant accordé : {euros(application.amount_granted)}."]
    if status == S.FILED:
        return ["Votre demande est bien déposée ; la préfecture va l'instruire."]
    return []


def application_status_notify(*, application: Application, previous: str) -> int:
    """Tell the association about the new status; returns the number of messages sent."""
    recipients = association_addresses(application=application)
    if not recipients:
        return 0
    status = S(application.status)
    subject = f"[Quartiers 2030] Demande {application.reference} : " + (
        "compléments demandés" if status == S.COMPLEMENT else f"« {status.label} »"
    )
    body = "\n".join(
        [
            "Bonjour,",
            "",
            f"Votre demande de subvention {application.reference} « {application.action_title} » "
            f"est passée de « {S(previous).label} » à « {status.label} ».",
            "",
            *_what(application),
            "",
            f"Votre dossier : {absolute_url('grants:application_detail', application.uuid)}",
            "",
            f"— Quartiers 2030, {site_identity().prefecture}",
        ]
    )
    return send_mail(
        subject=subject,
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
