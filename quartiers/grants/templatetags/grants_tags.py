from decimal import Decimal

from django import template

from quartiers.core.access import Perm, user_can
from quartiers.grants.access import Steering
from quartiers.grants.services.money import euros as euros_format

register = template.Library()


@register.filter
def euros(value: Decimal | None) -> str:
    return euros_format(value)


@register.filter
def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}".replace(".", ",") + " %"


@register.filter
def share_percent(share) -> str:
    value = share.percent
    return "—" if value is None else f"{value}".replace(".", ",") + " %"


@register.filter
def target_percent(share) -> str:
    value = (share.target * 100).normalize()
    text = f"{value:f}".replace(".", ",")
    return f"{'au plus' if getattr(share, 'maximum', False) else 'au moins'} {text} %"


@register.filter
def in_list(value, options) -> bool:
    return value in options


@register.inclusion_tag("grants/includes/grants_nav.html", takes_context=True)
def grants_nav(context) -> dict[str, bool]:
    """The funding menu, by rights (quartiers/grants/access.py), never by role."""
    user = context.get("user")
    return {
        "steers": user_can(user, Perm.VIEW_INTERNAL, Steering),
        "imports": user_can(user, Perm.EDIT, Steering),
    }
