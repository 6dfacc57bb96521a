"""What the accessibility statement says about the automatic audit (tests/browser/a11y.py,
`make a11y`): the tool, and the findings it still reports, by axe-core rule. The audit test
fails when a page shows a serious or critical violation, or a finding not listed here: the
statement stays true."""

from __future__ import annotations

from dataclasses import dataclass

AXE_CORE_VERSION = "4.14.1"
AUDIT_TOOL = f"axe-core {AXE_CORE_VERSION} (règles WCAG 2.1 A et AA) dans Chromium sans interface"


@dataclass(frozen=True)
class KnownFinding:
    rule: str  # axe-core rule id
    impact: str  # "moderate" or "minor": serious and critical ones are fixed, never listed
    text: str  # what a visitor meets, in French


KNOWN_FINDINGS: tuple[KnownFinding, ...] = ()
