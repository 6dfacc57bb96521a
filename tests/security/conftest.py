"""The funding fixtures (real contracts, an association, its call for projects) for the
hostile-upload tests."""

from tests.grants.conftest import (  # noqa: F401  (fixtures)
    _no_public_geocoder,
    asso_a,
    call_mel,
    contracts,
    mel,
    member_a,
)
