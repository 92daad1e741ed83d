"""A test that needs a service this machine may lack (PostgreSQL, a browser): skipped with the reason, or failed
when the environment variable that makes it required is set (.ci/run sets them)."""

from __future__ import annotations

import pytest


def skip_or_fail(reason: str | None, *, required: bool, variable: str, what: str) -> None:
    """Nothing when `reason` is None (the service is here); else fail if `required`, skip otherwise."""
    if reason is None:
        return
    if required:
        pytest.fail(f"{reason}; {variable}=1 makes {what} required")
    pytest.skip(f"{reason}; set {variable}=1 to make this a failure")
