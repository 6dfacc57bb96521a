"""Valid POST bodies of the write forms, built from the objects they change (used by the
permission matrix and the rights tests: a refused write must be refused for its rights, not
for an invalid form)."""

from __future__ import annotations

from typing import Any


def _text(value: Any) -> Any:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else value


def action_body(action: Any = None, **changes: Any) -> dict[str, Any]:
    """The action edit (or creation, `action` None) form as loaded, then `changes`."""
    data: dict[str, Any] = {
        "title": "Action du test de droits",
        "objective": "",
        "theme": "emploi",
        "lead_name": "Camille Cheffe",
        "lead_organisation": "",
        "lead_email": "",
        "lead_partner": "",
        "budget": "",
        "status": "to_start",
        "progress": 0,
    }
    if action is not None:
        for name in data:
            data[name] = _text(
                getattr(action, f"{name}_id", None)
                if name == "lead_partner"
                else getattr(action, name)
            )
        data["qpvs"] = list(action.qpvs.values_list("pk", flat=True))
        data["version"] = action.version
        if action.is_priority:
            data["is_priority"] = "on"
    data.update(changes)
    return data


def commitment_body(commitment: Any, **changes: Any) -> dict[str, Any]:
    data = {
        name: _text(getattr(commitment, name))
        for name in ("theme", "title", "target", "deadline", "indicator", "status", "progress")
    }
    data.update(
        organisation=commitment.organisation_id,
        contract=commitment.contract_id,
        version=commitment.version,
    )
    data.update(changes)
    return data


def import_apply_body(preview: Any) -> dict[str, Any]:
    """« Appliquer » on the import screen: the token of a verification (imports/models.py)."""
    return {"apercu": str(preview.token)}
