"""The memoised `{% url %}` builtin (quartiers/core/templatetags/url_memo.py) renders what
Django's own tag renders, whatever was reversed before it."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from quartiers.core.templatetags import url_memo

pytestmark = pytest.mark.django_db


def _render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_the_url_tag_of_templates_is_the_memoised_one_is_true() -> None:
    engine = Engine.get_default()
    assert engine.template_builtins[-1].tags["url"] is url_memo.url


def test_a_memoised_url_is_the_url_django_reverses_is_true() -> None:
    source = "{% url 'contracts:contract_detail' code %}|{% url 'geography:qpv_detail' code=qpv %}"
    for _ in range(2):  # the second time from the memo
        html = _render(source, code="CN05902M", qpv="QN05920M")
        expected = reverse("contracts:contract_detail", args=["CN05902M"])
        assert html == f"{expected}|{reverse('geography:qpv_detail', kwargs={'code': 'QN05920M'})}"
    assert html == "/contrats/CN05902M/|/qpv/QN05920M/"


def test_two_arguments_give_two_urls_is_true() -> None:
    source = "{% url 'organisation:commitment_detail' pk %}"
    assert _render(source, pk=1) == "/concerto/engagements/1/"
    assert _render(source, pk=2) == "/concerto/engagements/2/"


def test_the_script_prefix_is_part_of_the_key_is_true() -> None:
    source = "{% url 'contracts:contract_detail' 'CN05902M' %}"
    assert _render(source) == "/contrats/CN05902M/"
    set_script_prefix("/sous-dossier/")
    try:
        assert _render(source) == "/sous-dossier/contrats/CN05902M/"
    finally:
        set_script_prefix("/")
    assert _render(source) == "/contrats/CN05902M/"


def test_as_var_and_a_failed_reversal_behave_as_django_s_tag_is_true() -> None:
    html = _render("{% url 'organisation:commitment_detail' 'abc' as u %}[{{ u }}]")
    assert html == "[]"  # « abc » is no <int:pk>: empty, as with Django's tag
    with pytest.raises(NoReverseMatch):
        _render("{% url 'organisation:commitment_detail' 'abc' %}")
    assert not any(key[1] == ("abc",) for key in url_memo._memo)


def test_a_url_is_escaped_as_django_s_tag_escapes_it_is_true() -> None:
    html = _render("{% url 'contracts:contract_detail' code %}", code="a&b")
    assert html == reverse("contracts:contract_detail", args=["a&b"]).replace("&", "&amp;")
