"""Write services of the contracts domain: every change is checked and audited here."""

from quartiers.contracts.services.actions import (
    ActionConflict,
    ConflictRow,
    PriorityLimitError,
    action_create,
    action_update,
    milestone_add,
    milestone_update,
    note_add,
)
from quartiers.contracts.services.contracts import (
    ContractRuleError,
    contract_signing_missing,
    contract_themes_set,
    contract_transition,
    signatory_add,
    signatory_status_set,
)
from quartiers.contracts.services.documents import DocumentRefused, document_upload
from quartiers.contracts.services.milestones import (
    MilestoneConflict,
    MilestoneValues,
    milestone_delete,
    milestone_edit,
)

__all__ = [
    "ActionConflict",
    "ConflictRow",
    "ContractRuleError",
    "DocumentRefused",
    "MilestoneConflict",
    "MilestoneValues",
    "PriorityLimitError",
    "action_create",
    "action_update",
    "contract_signing_missing",
    "contract_themes_set",
    "contract_transition",
    "document_upload",
    "milestone_add",
    "milestone_delete",
    "milestone_edit",
    "milestone_update",
    "note_add",
    "signatory_add",
    "signatory_status_set",
]
