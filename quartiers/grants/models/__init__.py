"""Models of the funding domain, one module per concept group."""

from quartiers.grants.models.agreements import Agreement, FinancialReport, Payment, Tranche
from quartiers.grants.models.applications import (
    Application,
    ApplicationDocument,
    BudgetLine,
    StatusChange,
)
from quartiers.grants.models.associations import (
    Association,
    AssociationContact,
    AssociationMembership,
)
from quartiers.grants.models.calls import CallForProjects, CommitteeMeeting, Envelope
from quartiers.grants.models.posts import FundedPost, PostScheme, PostYear

__all__ = [
    "Agreement",
    "Application",
    "ApplicationDocument",
    "Association",
    "AssociationContact",
    "AssociationMembership",
    "BudgetLine",
    "CallForProjects",
    "CommitteeMeeting",
    "Envelope",
    "FinancialReport",
    "FundedPost",
    "Payment",
    "PostScheme",
    "PostYear",
    "StatusChange",
    "Tranche",
]
