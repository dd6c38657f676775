"""The cycle collector is paused inside the block and left as it was found."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from matching.collector import cycle_collection_paused
from matching.skill_match import MatchParams, solve
from tests.unit.matching.instances import need, volunteer


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_paused_inside_and_resumed_after() -> None:
    gc.enable()
    with cycle_collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_resumed_after_an_error() -> None:
    gc.enable()
    with pytest.raises(ValueError, match="boom"), cycle_collection_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_nested_blocks_resume_at_the_outermost() -> None:
    gc.enable()
    with cycle_collection_paused():
        with cycle_collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    with cycle_collection_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_cycles_made_inside_are_collected_once_resumed() -> None:
    gc.enable()
    gc.collect()

    class Node:
        partner: object = None

    with cycle_collection_paused():
        a, b = Node(), Node()
        a.partner, b.partner = b, a
        del a, b
    assert gc.collect() >= 2


def test_solving_leaves_the_collector_on() -> None:
    gc.enable()
    solution = solve(
        [volunteer("v1", "c1", {"seo": 3}, 20)],
        [need("n1", "c2", [("seo", 2, 1)], 10)],
        MatchParams(),
    )
    assert solution.objective > 0
    assert gc.isenabled()
