"""The délégués' list sorted on the server (`?tri=`): the order of its rows checked against
each délégué's territory as the access policy computes it, délégué by délégué."""

from __future__ import annotations

import re

from quartiers.contracts.access import delegate_territory
from quartiers.organisation.models import PrefectDelegate


def _names(html: str) -> list[str]:
    body = html.split('data-testid="delegate-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td><a href="/delegues/\d+/">([^<]+)</a></td>', body)


def test_the_delegate_list_sorts_by_qpv_followed(client, prefecture_agent, organisation_demo):
    counts = {
        d.name: len(delegate_territory(delegate=d).qpv_ids) for d in PrefectDelegate.objects.all()
    }
    client.force_login(prefecture_agent)
    descending = _names(client.get("/delegues/?tri=-qpv").content.decode())
    ascending = _names(client.get("/delegues/?tri=qpv").content.decode())
    assert len(descending) == len(counts) == 15
    assert [counts[n] for n in descending] == sorted(counts.values(), reverse=True)
    assert [counts[n] for n in ascending] == sorted(counts.values())
    assert len(set(counts.values())) > 3  # not a trivial order


def test_the_delegate_list_sorts_by_name_and_ignores_an_unknown_order(
    client, prefecture_agent, organisation_demo
):
    PrefectDelegate.objects.create(name="anne Ébert")
    PrefectDelegate.objects.create(name="Zoé Martin")
    client.force_login(prefecture_agent)
    html = client.get("/delegues/?tri=delegue").content.decode()
    names = _names(html)
    # Hand-checked: « anne Ébert » (lower case) before « Délégué·e … », « Zoé Martin » last.
    assert names[0] == "anne Ébert" and names[-1] == "Zoé Martin"
    assert _names(client.get("/delegues/?tri=-delegue").content.decode()) == names[::-1]
    assert _names(client.get("/delegues/?tri=zz").content.decode()) == names  # default
    assert 'aria-sort="ascending" data-sort-key="delegue"' in html
    assert 'href="?tri=-delegue#delegate-table"' in html
    assert 'href="?tri=qpv#delegate-table"' in html
