"""How two person records are compared: the cleaning every record gets first (given names
widened by the nickname map, ``nicknames.py``), and the Splink comparisons and blocking rules.

Everything here is plain SQL that both DuckDB and Spark run (Spark's Jaro-Winkler comes from the
jar Splink ships), and the cleaning happens in Arrow before any engine sees the records, so the
batch, incremental and single-record paths all compare exactly the same values.
"""

from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import ColumnExpression, SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator

from casebridge.linkage.nicknames import formal_names
from casebridge.linkage.scores import MISSING_LABEL

# Outward code (district) and the inward code's digit (sector) of a full UK postcode.
UK_POSTCODE = "^([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9])[A-Z]{2}$"
TERM_FREQUENCY_COLUMNS = ("given_name", "family_name")


def clean_records(records: pa.Table) -> pa.Table:
    """Records as every comparison expects them, whatever the extract's spelling and spacing.

    Names lose case, accents and anything but letters ("O'Brien-Smith" is "obriensmith"), so
    punctuation and spacing never count as a difference; postcodes are upper case with the one
    space before the inward code; a date of birth that is not a real ISO date becomes missing,
    so that nonsense cannot earn a "one digit different" match.

    The derived columns (formal names, postcode sector and district, the birth date as a day
    number) are computed here once per record rather than in SQL once per compared pair.
    """
    given = _clean_name(records["given_name"])
    date_of_birth = _clean_date(records["date_of_birth"])
    postcode = _clean_postcode(records["postcode"])
    return pa.table(
        {
            "unique_id": pc.cast(records["unique_id"], pa.string()),
            "given_name": given,
            "family_name": _clean_name(records["family_name"]),
            "date_of_birth": date_of_birth,
            "sex": _clean_sex(records["sex"]),
            "postcode": postcode,
            **_formal_name_columns(given),
            "date_of_birth_day": pc.cast(pc.cast(date_of_birth, pa.date32()), pa.int32()),
            "postcode_sector": _postcode_part(postcode, r"\1 \2"),
            "postcode_district": _postcode_part(postcode, r"\1"),
        }
    )


def _clean_name(names: pa.ChunkedArray) -> pa.ChunkedArray:
    decomposed = pc.utf8_normalize(pc.cast(names, pa.string()), form="NFKD")
    letters = pc.replace_substring_regex(pc.utf8_lower(decomposed), "[^a-z]", "")
    return pc.if_else(pc.equal(letters, ""), None, letters)


def _clean_date(dates: pa.ChunkedArray) -> pa.ChunkedArray:
    text = pc.utf8_trim_whitespace(pc.cast(dates, pa.string()))
    parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime rolls 30 February over into March; only a date that reads back the same is real.
    round_trip = pc.cast(pc.cast(parsed, pa.date32()), pa.string())
    return pc.if_else(pc.equal(round_trip, text), round_trip, None)


def _clean_sex(sexes: pa.ChunkedArray) -> pa.ChunkedArray:
    lowered = pc.utf8_lower(pc.utf8_trim_whitespace(pc.cast(sexes, pa.string())))
    return pc.if_else(pc.is_in(lowered, pa.array(["female", "male"])), lowered, None)


def _clean_postcode(postcodes: pa.ChunkedArray) -> pa.ChunkedArray:
    packed = pc.utf8_upper(pc.replace_substring_regex(postcodes, "[^A-Za-z0-9]", ""))
    spaced = pc.replace_substring_regex(packed, "^(.+)([0-9][A-Z]{2})$", r"\1 \2")
    return pc.if_else(pc.equal(spaced, ""), None, spaced)


def _postcode_part(postcodes: pa.ChunkedArray, part: str) -> pa.ChunkedArray:
    full = pc.match_substring_regex(postcodes, UK_POSTCODE)
    return pc.if_else(full, pc.replace_substring_regex(postcodes, UK_POSTCODE, part), None)


def _formal_name_columns(given: pa.ChunkedArray) -> dict[str, pa.Array]:
    # Few distinct names, many records: look each distinct name up once, then spread by index.
    distinct = pc.unique(given).drop_null()
    formal_lists = [formal_names(name) for name in distinct.to_pylist()]
    positions = pc.index_in(given, value_set=distinct)
    return {
        "given_name_formal": pc.take(pa.array(formal_lists, pa.list_(pa.string())), positions),
        "given_name_key": pc.take(
            pa.array([names[0] for names in formal_lists], pa.string()), positions
        ),
    }


def person_settings() -> SettingsCreator:
    """The model's shape before training: what is compared, how finely, and which pairs are
    compared at all."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            _given_name_comparison(),
            _family_name_comparison(),
            _date_of_birth_comparison(),
            _postcode_comparison(),
            _sex_comparison(),
        ],
        blocking_rules_to_generate_predictions=list(prediction_blocking_rules()),
        # Evidence per field needs each pair's comparison levels and partial weights.
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        em_convergence=0.001,
        max_iterations=20,
    )


def prediction_blocking_rules() -> Iterable[BlockingRuleCreator]:
    """Which pairs are scored at all. Each rule survives a different corruption, so a true pair
    is missed only when every rule's key is damaged in one of its records: date of birth alone
    (names misspelt, changed or shortened, address moved), then name-plus-something rules that
    survive a wrong or missing date of birth. A million records give about 23 million
    comparisons. (Family name and birth year, or given name and birthday, would add 16 million
    more to find 0.04% more true pairs: not worth it.)"""
    return (
        block_on("date_of_birth"),
        block_on("family_name", "given_name_key"),
        block_on("postcode", "given_name_key"),
        block_on("postcode", "family_name"),
    )


def _level(creator: Any, label: str) -> Any:
    return creator.configure(label_for_charts=label)


def _missing(column: str | ColumnExpression) -> Any:
    return _level(cll.NullLevel(column), MISSING_LABEL)


def _given_name_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_levels=[
            _missing("given_name"),
            _level(
                cll.ExactMatchLevel("given_name", term_frequency_adjustments=True), "Exact match"
            ),
            _level(cll.JaroWinklerLevel("given_name", 0.92), "Similar (Jaro-Winkler >= 0.92)"),
            _level(
                cll.ArrayIntersectLevel("given_name_formal", min_intersection=1),
                "Nickname or short form of the same name",
            ),
            # Short names defeat Jaro-Winkler: "Leo" keyed as "Loe" scores 0.56.
            _level(cll.DamerauLevenshteinLevel("given_name", 1), "One letter different"),
            _level(cll.JaroWinklerLevel("given_name", 0.8), "Alike (Jaro-Winkler >= 0.8)"),
            _household_level("Different, same family name and postcode (a relative?)"),
            _level(cll.ElseLevel(), "Different"),
        ],
        comparison_description="Given name",
    )


# Households: a different given name at the same address under the same (or all but the same)
# family name is a relative (a twin shares the birthday too), not a slip; so is a date of birth
# more than a year apart (a parent and child of one name). EM cannot learn either, since it
# weighs each field on its own and the agreeing surname and address outweigh the difference.
# The weight is fixed at about -16, enough to keep twins and same-named parents and children
# (who otherwise score 12 to 17) out of automatic links; a true pair with such a difference
# goes to the queue instead.
_HOUSEHOLD_M, _HOUSEHOLD_U = 1e-6, 0.06


def _household_level(label: str) -> Any:
    # The family name may carry a typo of its own ("Hardambury", "Hardambruy").
    return cll.And(
        cll.JaroWinklerLevel("family_name", 0.92), cll.ExactMatchLevel("postcode")
    ).configure(
        label_for_charts=label,
        m_probability=_HOUSEHOLD_M,
        u_probability=_HOUSEHOLD_U,
        fix_m_probability=True,
        fix_u_probability=True,
    )


def _family_name_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="family_name",
        comparison_levels=[
            _missing("family_name"),
            _level(
                cll.ExactMatchLevel("family_name", term_frequency_adjustments=True),
                "Exact match",
            ),
            _level(cll.JaroWinklerLevel("family_name", 0.92), "Similar (Jaro-Winkler >= 0.92)"),
            _level(cll.JaroWinklerLevel("family_name", 0.8), "Alike (Jaro-Winkler >= 0.8)"),
            # Women more often change surname on marriage, so a different surname is weaker
            # evidence against two women being one person than against anyone else.
            cll.CustomLevel(
                "sex_l = 'female' AND sex_r = 'female'",
                label_for_charts="Different, both women (a married name?)",
            ),
            _level(cll.ElseLevel(), "Different"),
        ],
        comparison_description="Family name",
    )


def _date_of_birth_comparison() -> cl.CustomComparison:
    transposed = (
        "substr(date_of_birth_l, 1, 4) = substr(date_of_birth_r, 1, 4)"
        " AND substr(date_of_birth_l, 6, 2) = substr(date_of_birth_r, 9, 2)"
        " AND substr(date_of_birth_l, 9, 2) = substr(date_of_birth_r, 6, 2)"
    )
    year_off_by_one = (
        "substr(date_of_birth_l, 6, 5) = substr(date_of_birth_r, 6, 5)"
        " AND abs(cast(substr(date_of_birth_l, 1, 4) as int)"
        " - cast(substr(date_of_birth_r, 1, 4) as int)) = 1"
    )
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            _missing("date_of_birth"),
            _level(cll.ExactMatchLevel("date_of_birth"), "Exact match"),
            cll.CustomLevel(transposed, label_for_charts="Day and month transposed"),
            cll.CustomLevel(year_off_by_one, label_for_charts="Same day and month, year out by 1"),
            _level(cll.LevenshteinLevel("date_of_birth", 1), "One digit different"),
            cll.CustomLevel(
                "abs(date_of_birth_day_l - date_of_birth_day_r) <= 366",
                label_for_charts="Within a year",
            ),
            _household_level("Different, same family name and postcode (a parent and child?)"),
            _level(cll.ElseLevel(), "Different"),
        ],
        comparison_description="Date of birth",
    )


def _postcode_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            _missing("postcode"),
            _level(cll.ExactMatchLevel("postcode"), "Exact match"),
            _level(cll.ExactMatchLevel("postcode_sector"), "Same sector"),
            _level(cll.ExactMatchLevel("postcode_district"), "Same district"),
            _level(cll.ElseLevel(), "Different"),
        ],
        comparison_description="Postcode",
    )


def _sex_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[
            _missing("sex"),
            _level(cll.ExactMatchLevel("sex"), "Exact match"),
            _level(cll.ElseLevel(), "Different"),
        ],
        comparison_description="Sex",
    )
