"""The pinned installs (requirements/*.lock, made by `make lock`): production and the demo get
what the application runs on and no test tool; the layers the tests add agree with it."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ROOT / "requirements"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)", re.MULTILINE)


def pins(lock: str) -> dict[str, str]:
    text = (LOCKS / f"{lock}.lock").read_text()
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(requirement).name) for requirement in requirements}


def test_production_and_the_demo_install_no_test_tool_and_no_spark():
    # The spark extra also caps pandas, which the application uses too.
    tools = names(PROJECT["optional-dependencies"]["dev"]) | {"pyspark"}
    assert tools >= {"pytest", "playwright", "mypy", "ruff", "import-linter"}
    for lock in ("runtime", "production"):
        assert tools.isdisjoint(pins(lock)), lock


def test_every_lock_pins_a_shared_package_at_the_same_version():
    locks = {lock: pins(lock) for lock in ("runtime", "production", "dev", "spark")}
    for name in set().union(*locks.values()):
        versions = {lock: pinned[name] for lock, pinned in locks.items() if name in pinned}
        assert len(set(versions.values())) == 1, (name, versions)


def test_each_lock_has_what_pyproject_asks_of_it():
    """A dependency added to pyproject.toml without `make lock` fails here, not on install."""
    extras = PROJECT["optional-dependencies"]
    wanted = {
        "runtime": PROJECT["dependencies"] + extras["binary"],
        "production": PROJECT["dependencies"] + extras["c"],
        "dev": PROJECT["dependencies"] + extras["dev"],
        "spark": PROJECT["dependencies"] + extras["spark"],
    }
    for lock, requirements in wanted.items():
        pinned = pins(lock)
        for requirement in map(Requirement, requirements):
            name = canonicalize_name(requirement.name)
            assert name in pinned, (lock, name)
            assert requirement.specifier.contains(pinned[name], prereleases=True), (lock, name)


def test_production_builds_psycopg_against_the_system_libpq_and_the_demo_needs_no_compiler():
    assert "psycopg-c" in pins("production")
    assert "psycopg-binary" not in pins("production")
    assert "psycopg-binary" in pins("runtime")
    # The tests' layers go on top of either, and bring neither build.
    for lock in ("dev", "spark"):
        assert {"psycopg-c", "psycopg-binary"}.isdisjoint(pins(lock)), lock


def test_the_bootstrap_lock_pins_uv_alone_with_its_hashes():
    """The Makefile installs uv from bootstrap.lock with --require-hashes, then the rest with uv."""
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]
    assert names(groups["bootstrap"]) == {"uv"}
    assert set(pins("bootstrap")) == {"uv"}
    assert "--hash=sha256:" in (LOCKS / "bootstrap.lock").read_text()
