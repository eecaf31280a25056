"""Completing and reading assessments. Who may see what is decided by the selectors/services."""

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from casebridge.assessments import engine
from casebridge.assessments.forms import AssessmentForm
from casebridge.assessments.models import Assessment
from casebridge.assessments.selectors import (
    assessment_get,
    current_instrument,
    progress_by_area,
    referral_criteria_met,
)
from casebridge.assessments.services import assessment_complete
from casebridge.audit.reads import viewed
from casebridge.core.errors import ApplicationError
from casebridge.pathways.models import Pathway
from casebridge.pathways.selectors import person_cases
from casebridge.people.selectors import person_get
from casebridge.ui.decorators import current_user, signed_in


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest, person_id: UUID, instrument_code: str) -> HttpResponse:
    user = current_user(request)
    person = person_get(user=user, person_id=person_id)
    instrument = current_instrument(code=instrument_code)
    if instrument is None:
        raise Http404
    cases = list(person_cases(user=user, person=person))
    form = AssessmentForm(request.POST or None, instrument=instrument, cases=cases)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_complete(
                actor=user,
                person=person,
                instrument_code=instrument.code,
                answers=form.answers(),
                case=form.chosen_case(),
                judgement_band=form.cleaned_data["judgement_band"],
                judgement_reason=form.cleaned_data["judgement_reason"],
                assessed_at=form.assessed_at(),
                stage=form.cleaned_data.get("stage", ""),
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            return redirect("assessments:detail", assessment_id=assessment.pk)
    viewed(
        request,
        object_type="person",
        object_id=person.pk,
        summary=f"Viewed person to complete {instrument.name}",
    )
    judgement_open = bool(
        form.is_bound and (form["judgement_band"].value() or form["judgement_reason"].value())
    )
    return render(
        request,
        "assessments/new.html",
        {
            "form": form,
            "person": person,
            "instrument": instrument,
            "judgement_open": judgement_open or form.has_error("judgement_band"),
        },
    )


def _criteria_labels(assessment: Assessment) -> list[str]:
    """Labels of the referral criteria the assessment meets, from each pathway's definition."""
    rules = assessment.instrument.definition.get("referral_rules", [])
    labels = []
    for pathway in Pathway.objects.filter(code__in={rule["pathway"] for rule in rules}):
        criteria = pathway.definition.get("referral_criteria", {})
        for code in referral_criteria_met(assessment=assessment, pathway_code=pathway.code):
            labels.append(f"{pathway.name}: {criteria.get(code, {}).get('label', code)}")
    return labels


@signed_in
def detail(request: HttpRequest, assessment_id: UUID) -> HttpResponse:
    user = current_user(request)
    assessment = assessment_get(user=user, assessment_id=assessment_id)
    viewed(
        request,
        object_type="assessment",
        object_id=assessment.pk,
        summary=f"Viewed {assessment.instrument.name} assessment",
        changes={"person": str(assessment.person_id)},
    )
    answers = [
        (number, question, engine.answer_label(question, assessment.answers.get(question["code"])))
        for number, question in enumerate(assessment.instrument.questions, start=1)
    ]
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "answers": answers,
            "max_score": engine.score_range(assessment.instrument.definition)[1],
            "criteria": _criteria_labels(assessment),
        },
    )


def _signed(change: int | None) -> str:
    if change is None:
        return ""
    return f"+{change}" if change > 0 else str(change).replace("-", "\N{MINUS SIGN}")


@signed_in
def progress(request: HttpRequest, person_id: UUID, instrument_code: str) -> HttpResponse:
    """Each area's score at each stage of a staged instrument, and the change, for a person."""
    user = current_user(request)
    person = person_get(user=user, person_id=person_id)
    instrument = current_instrument(code=instrument_code)
    stages = instrument.definition.get("stages", []) if instrument is not None else []
    if instrument is None or not stages:
        raise Http404
    areas = progress_by_area(user=user, person=person, instrument=instrument)
    viewed(
        request,
        object_type="person",
        object_id=person.pk,
        summary=f"Viewed progress on {instrument.name}",
        changes={"instrument": instrument.code},
    )
    rows = [
        (area, [area.by_stage[stage["code"]] for stage in stages], _signed(area.change))
        for area in areas
    ]
    return render(
        request,
        "assessments/progress.html",
        {
            "person": person,
            "instrument": instrument,
            "stages": stages,
            "rows": rows,
            "scored": any(value is not None for area in areas for value in area.by_stage.values()),
        },
    )
