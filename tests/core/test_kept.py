"""core/kept.Kept: a value is made once per key, and the bound holds."""

from casebridge.core.kept import Kept


def test_a_value_is_made_once_for_its_key():
    kept: Kept[str, list[str]] = Kept(10)
    made: list[str] = []

    def make() -> list[str]:
        made.append("once")
        return made

    assert kept.get("a", make) is kept.get("a", make)
    assert made == ["once"]


def test_past_the_bound_all_are_made_again():
    kept: Kept[int, object] = Kept(2)
    first = kept.get(1, object)
    kept.get(2, object)
    kept.get(3, object)  # the third key drops the two kept
    assert kept.get(1, object) is not first
