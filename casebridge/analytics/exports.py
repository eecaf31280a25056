"""The dashboard's figures as CSV: one row per indicator and period shown, each value as the
dashboard prints it. Numerators and denominators are columns only of the restricted export:
the public one holds what the public edition of the board report would print, and no more."""

import csv
import io
from numbers import Integral

from casebridge.analytics.dashboard import DashboardSection
from casebridge.analytics.registry import Indicator
from casebridge.core.spreadsheets import formula_safe

HEADER = [
    "section",
    "indicator_id",
    "indicator",
    "period",
    "period_start",
    "period_end",
    "value",
    "unit",
]
RESTRICTED_HEADER = [*HEADER, "numerator", "denominator"]


def _unit(indicator: Indicator) -> str:
    return f"rate per {indicator.per:,}" if indicator.unit == "rate" else indicator.unit


def _number(value: float | None) -> str:
    """A numerator or denominator in full ("" where there is none, or none is known yet)."""
    if value is None:
        return ""
    return str(value) if isinstance(value, Integral) else f"{value:.6g}"


def figures_csv(sections: list[DashboardSection], *, restricted: bool) -> str:
    """The CSV text of the figures shown, every cell safe to open in a spreadsheet program.

    Args:
        sections: the dashboard's tables, computed for the edition the user may see.
        restricted: whether to add each figure's numerator and denominator.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RESTRICTED_HEADER if restricted else HEADER)
    for section in sections:
        for table in section.tables:
            for row in table.rows:
                for period, figure, cell in zip(table.columns, row.figures, row.cells, strict=True):
                    line = [
                        section.title,
                        row.indicator.id,
                        row.indicator.title,
                        period.label,
                        period.start.isoformat(),
                        period.end.isoformat(),
                        cell,
                        _unit(row.indicator),
                    ]
                    if restricted:
                        known = figure.matures_on is None
                        line += [
                            _number(figure.numerator if known else None),
                            _number(figure.denominator if known else None),
                        ]
                    writer.writerow([formula_safe(value) for value in line])
    return out.getvalue()
