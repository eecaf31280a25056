"""core/garbage.fewer_collections holds the collector back and gives it back as it was."""

import gc

from casebridge.core.garbage import YOUNG_THRESHOLD, fewer_collections


def test_the_collector_is_as_it_was_once_the_last_holder_leaves():
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] == max(YOUNG_THRESHOLD, before[0])
        assert gc.get_freeze_count() > 0
        with fewer_collections():
            pass
        # The inner one left, the outer one still holds it back.
        assert gc.get_threshold()[0] == max(YOUNG_THRESHOLD, before[0])
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_cycles_made_inside_are_still_collected():
    class Node:
        pass

    with fewer_collections():
        node = Node()
        node.itself = node  # type: ignore[attr-defined]
        del node
        assert gc.collect() > 0


def test_what_the_server_froze_at_start_up_stays_frozen():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        # Frozen objects freed meanwhile leave the count: nothing is added, nothing unfrozen.
        with fewer_collections():
            assert 0 < gc.get_freeze_count() <= frozen
        assert 0 < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()
