"""The dashboard's choice of quarter and edition."""

from typing import Any

from django import forms

from casebridge.analytics.periods import Period


class FiguresForm(forms.Form):
    period = forms.ChoiceField(
        label="Quarter",
        error_messages={
            "required": "Select a quarter",
            "invalid_choice": "Select one of the quarters listed",
        },
    )
    public = forms.BooleanField(
        label="Show as the public edition would (small numbers suppressed)", required=False
    )

    def __init__(
        self, *args: Any, quarters: list[Period], under_way: Period | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.quarters = {quarter.label: quarter for quarter in quarters}
        self.fields["period"].choices = [  # type: ignore[attr-defined]
            (q.label, f"{q.label} (under way, figures so far)" if q == under_way else q.label)
            for q in quarters
        ]

    def chosen_period(self) -> Period:
        return self.quarters[self.cleaned_data["period"]]
