"""The report's data on the real Nord, as of a chosen date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from quartiers.contracts.models import Action, Contract
from quartiers.contracts.services.actions import action_create, note_add
from quartiers.portal.report import report_build
from quartiers.programmes.models import Measure
from quartiers.programmes.services import progress_entry_add
from quartiers.programmes.status import Status

MID_CALENDAR = date(2024, 4, 15)


def test_the_qpv_table_lists_the_94_qpv_of_the_nord_under_its_13_contracts(nord_report_data):
    report = report_build(on=MID_CALENDAR)

    assert report.departement_name == "Nord"
    assert len(report.contracts) == 13
    assert report.qpv_rows == 94
    assert report.qpvs_without_contract == []
    uncertain = {q.code for c in report.contracts for q in c.qpvs if q.uncertain}
    assert len(uncertain) == 4
    listed = sum(len(c.qpvs) for c in report.contracts)
    assert listed == 94 + sum(c.uncertain_count for c in report.contracts) - len(uncertain)


def test_the_signing_calendar_has_10_dates_in_order_later_ones_planned(nord_report_data):
    report = report_build(on=MID_CALENDAR)

    dates = [entry.on for entry in report.calendar]
    assert len(dates) == 10
    assert dates == sorted(dates)
    assert [e.done for e in report.calendar] == [d <= MID_CALENDAR for d in dates]
    assert sum(e.done for e in report.calendar) == 7


def test_contract_status_is_the_one_in_force_on_the_date(nord_report_data):
    before = report_build(on=date(2024, 3, 1))
    during = report_build(on=MID_CALENDAR)
    after = report_build(on=date(2024, 6, 1))

    assert {c.status_label for c in before.contracts} == {"En préparation"}
    assert sum(c.status_label == "Signé" for c in during.contracts) == 7
    assert sum(c.status_label == "Signé" for c in after.contracts) == 10
    hazebrouck = next(c for c in after.contracts if c.code == "CN05907I")
    assert hazebrouck.signed_on == date(2024, 3, 20)


def test_target_statuses_are_computed_for_the_date_ignoring_later_values(nord_report_data):
    measure = Measure.objects.get(code="eq2030-citeslab")  # 200 CitésLab by 31/12/2027
    for on, value in ((date(2024, 1, 31), 20), (date(2024, 12, 31), 40), (date(2025, 6, 30), 210)):
        progress_entry_add(measure=measure, on=on, value=Decimal(value), user=None)

    def row(on: date):
        report = report_build(on=on)
        rows = [r for block in report.programmes for r in block.rows]
        return report, next(r for r in rows if r.measure.code == measure.code)

    report, early = row(date(2025, 1, 1))
    assert early.latest.value == Decimal(40)
    assert early.result.status == Status.AT_RISK
    assert (Status.AT_RISK.value, "À risque", 1) in report.status_counts
    _report, later = row(date(2025, 7, 1))
    assert later.result.status == Status.REACHED
    _report, before = row(date(2023, 12, 31))
    assert before.latest is None and before.result.status == Status.NO_DATA


def test_the_report_carries_no_internal_data_of_the_actions(nord_report_data):
    contract = Contract.objects.get(code="CN05911M")
    action = action_create(
        contract=contract,
        user=None,
        values={
            "title": "Action prioritaire publique",
            "theme": "emploi",
            "is_priority": True,
            "status": "in_progress",
            "lead_name": "Claude Secret",
            "lead_email": "claude.secret@demo.invalid",
            "budget": Decimal("12345"),
        },
    )
    note_add(action=action, user=None, text="Note interne confidentielle")

    report = report_build(on=MID_CALENDAR)

    assert [(a.contract_code, a.title, a.status) for a in report.actions] == [
        ("CN05911M", "Action prioritaire publique", "En cours")
    ]
    assert report.action_counts == [("En cours", 1)]
    assert not hasattr(report.actions[0], "lead_email")
    assert Action.objects.filter(lead_email="claude.secret@demo.invalid").exists()


def test_the_map_draws_every_qpv_and_flags_estimated_npnru_statuses(nord_report_data):
    maps = report_build(on=MID_CALENDAR).maps

    assert maps.qpv_count == 94
    assert maps.overview.count("<path") >= 94 + 1
    assert maps.national_count > 0
    assert maps.estimated_count == 94  # no confirmed NPNRU list imported: all estimated
    assert "Dunkerque" in maps.overview and "Lille" in maps.overview
    assert "http" not in maps.overview.replace("http://www.w3.org/2000/svg", "")
