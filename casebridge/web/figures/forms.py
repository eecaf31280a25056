"""The dashboard's choice of quarter and edition, and of the board report to download."""

from typing import Any

from django import forms

from casebridge.analytics.periods import Period
from casebridge.reports.board import PUBLIC, RESTRICTED

QUARTER_ERRORS = {
    "required": "Select a quarter",
    "invalid_choice": "Select one of the quarters listed",
}


class FiguresForm(forms.Form):
    period = forms.ChoiceField(label="Quarter", error_messages=QUARTER_ERRORS)
    public = forms.BooleanField(
        label="Show as the public edition would (small numbers suppressed)", required=False
    )

    def __init__(
        self,
        *args: Any,
        quarters: list[Period],
        under_way: Period | None,
        may_choose_edition: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.quarters = {quarter.label: quarter for quarter in quarters}
        self.under_way = under_way
        self.fields["period"].choices = [  # type: ignore[attr-defined]
            (q.label, f"{q.label} (under way, figures so far)" if q == under_way else q.label)
            for q in quarters
        ]
        if not may_choose_edition:  # without the restricted figures, always the public edition
            del self.fields["public"]

    def chosen_period(self) -> Period:
        return self.quarters[self.cleaned_data["period"]]

    def public_edition(self) -> bool:
        """Whether the figures are shown as the public edition shows them (call once valid, or
        unbound for the page's first showing)."""
        if "public" not in self.fields:
            return True
        return self.is_bound and bool(self.cleaned_data["public"])


PDF, HTML = "pdf", "html"


class ReportForm(forms.Form):
    """The board report for a quarter that has ended: which edition, in which format. Both
    editions are valid choices; whether the user may have the restricted one is the access
    rules' question, asked (and a refusal audited) by the view."""

    period = forms.ChoiceField(label="Quarter of the report", error_messages=QUARTER_ERRORS)
    edition = forms.ChoiceField(
        label="Edition",
        choices=[
            (PUBLIC, "Public: small numbers suppressed, for publication (OFFICIAL)"),
            (RESTRICTED, "Restricted: every number, not for publication (OFFICIAL-SENSITIVE)"),
        ],
        initial=PUBLIC,
        error_messages={"required": "Select an edition"},
    )
    format = forms.ChoiceField(
        label="Format",
        choices=[(PDF, "PDF"), (HTML, "HTML (a web page)")],
        initial=PDF,
        error_messages={"required": "Select a format"},
    )

    def __init__(
        self, *args: Any, quarters: list[Period], may_choose_edition: bool, **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", "report_%s")  # beside the figures' own quarter on one page
        super().__init__(*args, **kwargs)
        self.quarters = {quarter.label: quarter for quarter in quarters}
        self.fields["period"].choices = [(q.label, q.label) for q in quarters]  # type: ignore[attr-defined]
        self.may_choose_edition = may_choose_edition

    def chosen_period(self) -> Period:
        return self.quarters[self.cleaned_data["period"]]
