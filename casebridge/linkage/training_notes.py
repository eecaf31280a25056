"""Splink's warnings during training, turned into one line an operator can act on.

Splink prints each warning on its own ("Level Different on comparison sex not observed in
dataset", "[EM sampling] Probe returned zero blocked pairs"); neither says what to do. Training
collects them instead (`splink_messages`) and keeps `training_note` of them with the model.
"""

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager


@contextmanager
def splink_messages() -> Iterator[list[str]]:
    """Splink's warnings during training, collected instead of printed: `training_note` turns
    them into one line an operator can act on."""
    splink_logger = logging.getLogger("splink")
    saved = (splink_logger.handlers[:], splink_logger.level, splink_logger.propagate)
    messages: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    splink_logger.handlers = [Collector(logging.WARNING)]
    splink_logger.setLevel(logging.WARNING)
    splink_logger.propagate = False
    try:
        yield messages
    finally:
        splink_logger.handlers, level, splink_logger.propagate = saved[0], saved[1], saved[2]
        splink_logger.setLevel(level)


def training_note(messages: Sequence[str]) -> str:
    """Splink's training warnings as one sentence for an operator ("" when there were none).

    "Level X on comparison Y not observed" means no likely match in the training pairs showed
    that kind of difference, so its weight stays at Splink's starting value; "Probe returned
    zero blocked pairs" means the sample Splink takes to decide whether to sub-sample a
    training session found no pairs, so the session used every pair (small populations).
    """
    unobserved = sorted(
        {
            f"{match['comparison']}: {match['level']}"
            for message in messages
            if (match := _UNOBSERVED.search(message))
        }
    )
    probes = sum("Probe returned zero blocked pairs" in message for message in messages)
    other = len(messages) - sum(bool(_UNOBSERVED.search(m)) for m in messages) - probes
    parts = []
    if unobserved:
        parts.append(
            f"{len(unobserved)} kinds of difference were never seen among likely matches, so "
            f"they keep a default weight ({'; '.join(unobserved)})"
        )
    if probes:
        parts.append(
            f"{probes} training sessions were small enough to use every pair, not a sample"
        )
    if other:
        parts.append(f"{other} other Splink warnings")
    return ("Training: " + "; ".join(parts) + ".") if parts else ""


_UNOBSERVED = re.compile(r"Level (?P<level>.+?) on comparison (?P<comparison>\w+) not observed")
