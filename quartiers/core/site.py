"""The deploying préfecture, as the footer pages show it: read from settings only (SITE_*,
config/settings.py and .env.example), never from the database, so that the error pages can use
it when nothing else works."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class SiteIdentity:
    prefecture: str
    logo_lines: tuple[str, ...]
    address: str
    phone: str
    contact_email: str
    contact_url: str
    publication_director: str
    host_name: str
    host_address: str
    dpo_name: str
    dpo_address: str
    dpo_email: str
    accessibility_status: str
    accessibility_audit: str
    accessibility_statement_date: str
    accessibility_plan_url: str
    retention_days: int


def site_identity() -> SiteIdentity:
    return SiteIdentity(
        prefecture=settings.SITE_PREFECTURE_NAME,
        logo_lines=tuple(settings.SITE_LOGO_LINES),
        address=settings.SITE_ADDRESS,
        phone=settings.SITE_PHONE,
        contact_email=settings.SITE_CONTACT_EMAIL,
        contact_url=settings.SITE_CONTACT_URL,
        publication_director=settings.SITE_PUBLICATION_DIRECTOR,
        host_name=settings.SITE_HOST_NAME,
        host_address=settings.SITE_HOST_ADDRESS,
        dpo_name=settings.SITE_DPO_NAME,
        dpo_address=settings.SITE_DPO_ADDRESS,
        dpo_email=settings.SITE_DPO_EMAIL,
        accessibility_status=settings.SITE_ACCESSIBILITY_STATUS,
        accessibility_audit=settings.SITE_ACCESSIBILITY_AUDIT,
        accessibility_statement_date=settings.SITE_ACCESSIBILITY_STATEMENT_DATE,
        accessibility_plan_url=settings.SITE_ACCESSIBILITY_PLAN_URL,
        retention_days=settings.GEOREF_RETENTION_DAYS,
    )
