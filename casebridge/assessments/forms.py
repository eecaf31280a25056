"""The assessment form, built from the instrument's questions. The service checks the answers,
so the rules (every question answered, judgement only raises) live in one place."""

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from casebridge.assessments import engine
from casebridge.assessments.models import Instrument
from casebridge.core.errors import ApplicationError
from casebridge.pathways.models import Case
from casebridge.ui.forms import DateField, FreeTextField, add_application_error

# Question fields are prefixed so a question code can never clash with the form's own fields.
PREFIX = "answer_"


def _question_field(number: int, question: dict[str, Any]) -> forms.TypedChoiceField:
    help_text = question.get("help", "")
    if question["type"] == engine.SCALE:
        ends = f"{question['min']} = {question.get('min_label', 'lowest')}, "
        ends += f"{question['max']} = {question.get('max_label', 'highest')}"
        help_text = f"{help_text} {ends}".strip()
    return forms.TypedChoiceField(
        label=f"{number}. {question['text']}",
        help_text=help_text,
        choices=[(str(value), label) for value, label in engine.answer_choices(question)],
        coerce=int if question["type"] == engine.SCALE else str,
        required=False,
        widget=forms.RadioSelect,
    )


class AssessmentForm(forms.Form):
    def __init__(
        self, *args: Any, instrument: Instrument, cases: Sequence[Case], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.cases = {str(case.pk): case for case in cases}
        # Named as the service's argument, so its refusals land on this field.
        self.fields["assessed_at"] = DateField(
            label="Date of the assessment",
            help_text="When you completed it with the person. For example, 27 3 2025",
            initial=timezone.localdate,
        )
        if cases:
            self.fields["case"] = forms.ChoiceField(
                label="Which case is this assessment for?",
                choices=[("", "Not for a particular case")]
                + [(pk, f"{c.reference}: {c.pathway.name}") for pk, c in self.cases.items()],
                required=False,
            )
        stages = instrument.definition.get("stages", [])
        if stages:
            self.fields["stage"] = forms.ChoiceField(
                label="Which stage of the work is this?",
                choices=[(stage["code"], stage["label"]) for stage in stages],
                widget=forms.RadioSelect,
                error_messages={"required": "Select the stage of the work this assessment is for"},
            )
        for number, question in enumerate(instrument.questions, start=1):
            self.fields[PREFIX + question["code"]] = _question_field(number, question)
        # Nothing can be raised to the lowest band, so it is not offered.
        self.fields["judgement_band"] = forms.ChoiceField(
            label="Raise the risk level to",
            choices=[("", "Do not raise it")]
            + [(band["code"], band["label"]) for band in instrument.bands[1:]],
            required=False,
        )
        self.fields["judgement_reason"] = FreeTextField(
            label="Why does your professional judgement put the risk higher?",
            required=False,
            max_length=5000,
        )

    def question_fields(self) -> list[forms.BoundField]:
        return [self[PREFIX + q["code"]] for q in self.instrument.questions]

    def answers(self) -> dict[str, object]:
        return {q["code"]: self.cleaned_data[PREFIX + q["code"]] for q in self.instrument.questions}

    def assessed_at(self) -> datetime | None:
        """When the assessment was done: now if today, else the start of that day (the time is
        not asked, and the start counts it as before anything else recorded that day)."""
        day = self.cleaned_data["assessed_at"]
        if day == timezone.localdate():
            return None
        return timezone.make_aware(datetime.combine(day, time.min))

    def chosen_case(self) -> Case | None:
        return self.cases.get(self.cleaned_data.get("case") or "")

    def add_service_error(self, error: ApplicationError) -> None:
        """Show the service's refusal next to each question it names, else as usual."""
        if isinstance(error, engine.AnswersInvalid):
            for code, message in error.errors.items():
                self.add_error(PREFIX + code, message)
        elif error.field and PREFIX + error.field in self.fields:
            self.add_error(PREFIX + error.field, error.message)
        else:
            add_application_error(self, error)
