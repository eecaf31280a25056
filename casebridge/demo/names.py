"""The name and street pools of the synthetic borough, read from ``names.yaml``."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

NAMES_FILE = Path(__file__).with_name("names.yaml")


@dataclass(frozen=True)
class NamePool:
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]


@dataclass(frozen=True)
class Pools:
    names: dict[str, NamePool]
    streets: tuple[str, ...]
    street_kinds: tuple[str, ...]
    blocks: tuple[str, ...]
    neighbourhoods: tuple[str, ...]

    def all_family_names(self) -> list[str]:
        """Every family name once, in file order (the benchmark samples its searches from it)."""
        return list(dict.fromkeys(name for pool in self.names.values() for name in pool.family))


ADDRESS_KEYS = ("streets", "street_kinds", "blocks", "neighbourhoods")


@cache
def load_pools(path: Path = NAMES_FILE) -> Pools:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = {
        group: NamePool(
            female=tuple(entry["female"]),
            male=tuple(entry["male"]),
            family=tuple(entry["family"]),
        )
        for group, entry in data.items()
        if group not in ADDRESS_KEYS
    }
    return Pools(
        names=names,
        streets=tuple(data["streets"]),
        street_kinds=tuple(data["street_kinds"]),
        blocks=tuple(data["blocks"]),
        neighbourhoods=tuple(data["neighbourhoods"]),
    )
