"""The press-kit demo: signing calendar, default signatories, example actions; the iCal feed."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from quartiers.contracts.choices import ContractStatus, SignatoryStatus
from quartiers.contracts.demo import seed_contracts_demo
from quartiers.contracts.models import Action, Contract, Signatory
from quartiers.contracts.selectors import calendar_contracts
from tests.contracts.conftest import TODAY

PRESS_KIT_DATES = [
    date(2024, 3, 20),
    date(2024, 3, 22),
    date(2024, 3, 28),
    date(2024, 3, 29),
    date(2024, 4, 4),
    date(2024, 4, 10),
    date(2024, 4, 12),
    date(2024, 4, 18),
    date(2024, 5, 16),
    date(2024, 5, 23),
]


def test_calendar_has_the_ten_press_kit_dates_in_order(demo):
    contracts = calendar_contracts()
    assert [c.signing_planned_on for c in contracts] == PRESS_KIT_DATES
    assert [c.code for c in contracts] == [
        "CN05907I",
        "CN05910M",
        "CN05901I",
        "CN05912M",
        "CN05905M",
        "CN05902M",
        "CN05904M",
        "CN05906M",
        "CN05911M",
        "CN05913M",
    ]


def test_hazebrouck_is_the_flandre_interieure_contract(demo):
    first = calendar_contracts()[0]
    assert first.code == "CN05907I"
    assert "Hazebrouck" in first.signing_label
    assert first.carrier_epci.siren == "200040947"
    # Its only QPV lies in Hazebrouck (INSEE 59295).
    assert [link.qpv.commune_codes for link in first.qpv_links.all()] == [["59295"]]


def test_dated_contracts_are_signed_and_the_three_others_stay_in_preparation(demo):
    signed = Contract.objects.filter(generation=2024, status=ContractStatus.SIGNED)
    assert signed.count() == 10
    assert all(c.signed_on == c.signing_planned_on for c in signed)
    undated = Contract.objects.filter(generation=2024, signing_planned_on__isnull=True)
    assert sorted(undated.values_list("code", flat=True)) == ["CN05903M", "CN05908M", "CN05909M"]
    assert all(c.status == ContractStatus.PREPARATION and c.signed_on is None for c in undated)


def test_every_contract_requires_the_state_and_its_carrier(demo):
    for contract in Contract.objects.filter(generation=2024):
        required = contract.signatories.filter(required=True)
        assert sorted(required.values_list("category", flat=True)) == sorted(
            ["etat", "epci" if contract.carrier_kind == "EPCI" else "commune"]
        )
    caudry = Contract.objects.get(code="CN05905M")
    assert caudry.signatories.get(required=True, category="commune").name == "Caudry"
    assert caudry.signatories.filter(name="CA du Caudrésis et du Catésis", required=False).exists()
    assert not Signatory.objects.filter(
        contract__code="CN05903M", status=SignatoryStatus.SIGNED
    ).exists()


def test_press_kit_examples_are_attached_to_the_right_contracts_and_marked(demo):
    examples = Action.objects.filter(is_example=True)
    assert examples.count() == 7
    assert all(not a.is_priority and a.lead_name == "Chef de projet (démo)" for a in examples)
    by_contract = {a.title: a.contract.code for a in examples}
    assert by_contract["« Parenthèse et Parenthèse+ » (Denain)"] == "CN05902M"
    assert by_contract["« Découvre ton patrimoine » (Douai-Waziers)"] == "CN05909M"
    assert sum(code == "CN05911M" for code in by_contract.values()) == 5
    denain = examples.get(title__contains="Parenthèse")
    assert {q.code for q in denain.qpvs.all()} == {"QN05950M", "QN05954M"}
    douai = examples.get(title__contains="patrimoine")
    assert "QN05909M" in {q.code for q in douai.qpvs.all()}  # Waziers Centre


def test_seed_is_idempotent(demo, data_dir):
    again = seed_contracts_demo(data_dir=data_dir, today=TODAY)
    assert (
        again.signatories_added,
        again.contracts_signed,
        again.calendar_set,
        again.examples_added,
    ) == (0, 0, 0, 0)
    assert Action.objects.filter(is_example=True).count() == 7


def _ical_parse(text: str) -> list[dict[str, str]]:
    """A minimal RFC 5545 reader: unfold, then split properties; returns the VEVENTs."""
    assert text.endswith("\r\n")
    raw = text.split("\r\n")[:-1]
    for line in raw:
        assert len(line.encode("utf-8")) <= 75, line
    lines: list[str] = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    events, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, value = line.split(":", 1)
            current[name] = value.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")
    return events


def test_ical_feed_parses_back_to_the_ten_signing_dates(demo, client):
    response = client.get(reverse("contracts:calendar_ics"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = _ical_parse(response.content.decode("utf-8"))
    assert [e["DTSTART;VALUE=DATE"] for e in events] == [
        d.strftime("%Y%m%d") for d in PRESS_KIT_DATES
    ]
    assert len({e["UID"] for e in events}) == 10
    assert all(e["DTSTAMP"].endswith("Z") for e in events)
    assert events[0]["SUMMARY"] == "Signature du contrat de ville d'Hazebrouck"
    assert "CN05907I" in events[0]["DESCRIPTION"]
    # Long French lines are folded without breaking a UTF-8 character.
    assert "Métropole Européenne de Lille" in events[8]["SUMMARY"]


def test_ical_folding_never_splits_a_character():
    from quartiers.contracts.ical import ical_fold

    line = "SUMMARY:" + "é" * 100
    folded = ical_fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_calendar_page_lists_dates_and_the_three_undated_contracts(demo, client):
    response = client.get(reverse("contracts:calendar"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<time datetime=") == 10
    assert html.index("2024-03-20") < html.index("2024-05-23")
    assert "Aucune date n’est donnée pour" in html
    assert "CU de Dunkerque" in html


def test_seed_command_reports_and_is_rerunnable(db, capsys):
    from django.core.management import call_command

    call_command("seed_contracts_demo")
    assert "10 contrat(s) déclaré(s) signé(s)" in capsys.readouterr().out
    call_command("seed_contracts_demo")
    assert "0 contrat(s) déclaré(s) signé(s)" in capsys.readouterr().out
