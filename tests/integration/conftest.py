from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _uses_database(database: None) -> None:
    """Every integration test runs against the real database of this run."""
    del database
