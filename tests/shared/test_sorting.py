"""Server-side table sorting (quartiers/shared/sorting.py): rows, headers, links."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

from quartiers.shared.sorting import SortColumn, sort_from


@dataclass
class Row:
    name: str | None
    amount: int | None


ROWS = [Row("Zola", 3), Row("étoile", None), Row("Eclair", 10), Row(None, 7), Row("fontaine", 3)]
COLUMNS = (
    SortColumn("nom", value=lambda r: r.name),
    SortColumn("montant", value=lambda r: r.amount),
)


def _names(rows):
    return [r.name for r in rows]


def test_text_is_sorted_without_case_or_accents_and_empty_values_come_last():
    ascending = sort_from(QueryDict("tri=nom"), COLUMNS, default="montant")
    assert _names(ascending.rows(ROWS)) == ["Eclair", "étoile", "fontaine", "Zola", None]
    descending = sort_from(QueryDict("tri=-nom"), COLUMNS, default="montant")
    assert _names(descending.rows(ROWS)) == ["Zola", "fontaine", "étoile", "Eclair", None]


def test_numbers_are_sorted_as_numbers_stably_with_empty_values_last():
    descending = sort_from(QueryDict("tri=-montant"), COLUMNS, default="nom")
    assert _names(descending.rows(ROWS)) == ["Eclair", None, "Zola", "fontaine", "étoile"]
    ascending = sort_from(QueryDict("tri=montant"), COLUMNS, default="nom")
    assert _names(ascending.rows(ROWS)) == ["Zola", "fontaine", None, "Eclair", "étoile"]


def test_an_unknown_or_missing_order_falls_back_to_the_default():
    for query in ("", "tri=inconnu", "tri=-", "tri=--nom"):
        sort = sort_from(QueryDict(query), COLUMNS, default="-montant")
        assert (sort.key, sort.descending) == ("montant", True), query


def test_headers_link_to_the_other_order_keep_the_filters_and_drop_the_page():
    sort = sort_from(
        QueryDict("statut=deposee&page=3&tri=nom"), COLUMNS, default="montant", anchor="t"
    )
    active = sort.header("nom", "Nom")
    assert active.aria_sort == "ascending"
    assert active.url == "?statut=deposee&tri=-nom#t"
    assert active.next_label == "trier par « Nom », ordre décroissant"
    other = sort.header("montant", "Montant")
    assert other.aria_sort == "" and other.url == "?statut=deposee&tri=montant#t"
    assert sort.header("cible", "Cible") is None  # not a sortable column

    flipped = sort_from(QueryDict("tri=-nom"), COLUMNS, default="montant")
    assert flipped.header("nom", "Nom").aria_sort == "descending"
    assert flipped.header("nom", "Nom").url == "?tri=nom"


def test_the_header_tag_marks_the_sorted_column_only():
    from quartiers.core.templatetags.sort_tags import sort_th

    sort = sort_from(QueryDict("tri=-montant"), COLUMNS, default="nom")
    sorted_th = sort_th(sort, "montant", "Montant", "q-num")
    assert 'aria-sort="descending"' in sorted_th and 'class="q-num"' in sorted_th
    assert 'href="?tri=montant"' in sorted_th
    assert "aria-sort" not in sort_th(sort, "nom", "Nom")
    assert sort_th(None, "nom", "Nom") == '<th scope="col">Nom</th>'
