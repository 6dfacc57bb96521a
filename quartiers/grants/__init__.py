"""Funding: associations, calls for projects, grant applications (CERFA 12156), agreements,
payments and financial reports (CERFA 15059), BOP 147 / Fonds vert budget views and the QPV
targeting measured from beneficiaries' address files (docs/grants.md)."""
