"""Under pytest-xdist each module's tests go to one worker (``--dist loadscope``), so a module's
fixtures are set up once; the tests that share a costly session fixture all go to one worker,
so it is set up once per run rather than once per worker: the tiny borough (over a minute to
load, and each board report built over it) and the Spark session (half a minute to start).

pytest-xdist's ``xdist_group`` mark would do this, but pytest-xdist 3.8 marks a test by setting
``item._nodeid``, which pytest 9.2 no longer reads; so a worker suffixes the test's id itself
and the controller, which sees only ids, schedules by the suffix."""

import pytest
from _pytest.nodeid import NodeId
from xdist.scheduler import LoadScopeScheduling

SHARED = ("tiny_borough", "spark")  # a test that uses both goes with the first
MARK = "@"


def group_shared_fixtures(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a worker, suffix the id of each test that uses a shared fixture with its name."""
    if not hasattr(config, "workerinput"):
        return
    for item in items:
        used = [name for name in SHARED if name in getattr(item, "fixturenames", ())]
        if used:
            item._id = NodeId.parse(f"{item.nodeid}{MARK}{used[0]}")


class SharedFixturesOnOneWorker(LoadScopeScheduling):
    """Each module in one work unit, but the tests that use a shared fixture in one unit."""

    def _split_scope(self, nodeid: str) -> str:
        _, mark, name = nodeid.rpartition(MARK)
        return name if mark and name in SHARED else super()._split_scope(nodeid)
