"""`{% url %}` with its reversals memoised per process (issue 13: CPU per logged-in request).

Installed as a template builtin (config/settings.py, TEMPLATES["OPTIONS"]["builtins"]): it
replaces Django's `url` tag in every template, same syntax and output. A table of 100 rows
with a link each reversed the same few URL patterns 100 times (some 50 µs each); the URLconf
is fixed once the process has started, so a reversal depends only on its arguments, the
script prefix and the URLconf, which make the key. Only plain `str` and `int` arguments are
memoised (anything else, e.g. a model instance, is reversed each time); a failed reversal is
never stored. The memo is emptied when it reaches MAX_ENTRIES (no unbounded growth).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.template.base import Parser, Token
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

MAX_ENTRIES = 20_000
_memo: dict[tuple[Any, ...], str] = {}


def _plain(values: Any) -> bool:
    return all(type(v) in (str, int) for v in values)


def reverse_memo(
    view_name: str, args: list[Any], kwargs: dict[str, Any], current_app: str | None
) -> str:
    """`reverse()`, memoised for plain arguments."""
    if not (isinstance(view_name, str) and _plain(args) and _plain(kwargs.values())):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    key = (
        view_name,
        tuple(args),
        tuple(sorted(kwargs.items())),
        current_app,
        get_script_prefix(),
        get_urlconf(),
        settings.ROOT_URLCONF,
    )
    found = _memo.get(key)
    if found is None:
        found = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        if len(_memo) >= MAX_ENTRIES:
            _memo.clear()
        _memo[key] = found
    return found


class MemoURLNode(URLNode):
    def render(self, context: template.Context) -> str:
        from django.urls import NoReverseMatch

        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse_memo(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return str(conditional_escape(url)) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> MemoURLNode:
    """Django's `{% url %}` (same parsing), rendered through `reverse_memo`."""
    node = django_url(parser, token)
    return MemoURLNode(node.view_name, node.args, node.kwargs, node.asvar)
