"""The garbage collector as a serving worker sets it (app/collector.py)."""

import gc

import pytest

from app import collector


@pytest.fixture
def restored_collector():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_what_is_loaded_is_left_out_of_later_collections(restored_collector):
    loaded = [{"row": number} for number in range(1000)]
    collector.set_for_serving()
    assert gc.get_threshold() == collector.THRESHOLDS
    assert gc.get_freeze_count() >= len(loaded)
    # Collections still run and still free garbage in cycles.
    cycle = {}
    cycle["self"] = cycle
    del cycle
    assert gc.collect() >= 1
