"""Training pages: courses, sessions delivered, attendance by agency and the period's figures."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from casebridge.access.policy import AccessDenied, Action, Resource
from casebridge.core.errors import ApplicationError
from casebridge.training.forms import AttendanceForm, CourseForm, SessionForm
from casebridge.training.models import TrainingSession
from casebridge.training.selectors import (
    course_list,
    may_change_training,
    may_record_training,
    require_view,
    session_attendance,
    session_get,
    session_list,
    training_figures,
)
from casebridge.training.services import attendance_record, course_create, session_record
from casebridge.training.views.common import audit_view, chosen_period
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error

RECENT_SHOWN = 100


@signed_in
def session_index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_view(user=user)
    sessions = list(session_list(user=user)[:RECENT_SHOWN])
    audit_view(request, "Viewed training sessions", sessions=len(sessions))
    context = {"sessions": sessions, "can_record": may_record_training(user=user)}
    return render(request, "training/session_list.html", context)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not may_record_training(user=user):
        raise AccessDenied(Action.CREATE, Resource.TRAINING)
    form = SessionForm(request.POST or None, courses=list(course_list(user=user)))
    if request.method == "POST" and form.is_valid():
        try:
            session = session_record(
                actor=user,
                course=form.chosen_course(),
                delivered_on=form.cleaned_data["delivered_on"],
                trainer=form.cleaned_data["trainer"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, "Session recorded: now add who attended.")
            return redirect("training:session_detail", session_id=session.pk)
    status = 400 if form.errors else 200
    return render(request, "training/session_form.html", {"form": form}, status=status)


def render_session(
    request: HttpRequest,
    session: TrainingSession,
    form: AttendanceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = current_user(request)
    attendance = list(session_attendance(session=session))
    can_change = may_change_training(user=user)
    if can_change and form is None:
        form = AttendanceForm()
    audit_view(request, f"Viewed training session {session}", session.pk)
    context = {
        "session": session,
        "attendance": attendance,
        "total": sum(row.attendees for row in attendance),
        "can_change": can_change,
        "form": form,
    }
    return render(request, "training/session_detail.html", context, status=status)


@signed_in
def session_detail(request: HttpRequest, session_id: UUID) -> HttpResponse:
    return render_session(request, session_get(user=current_user(request), session_id=session_id))


@signed_in
@require_POST
def attendance_create(request: HttpRequest, session_id: UUID) -> HttpResponse:
    user = current_user(request)
    session = session_get(user=user, session_id=session_id, action=Action.CHANGE)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            row = attendance_record(
                actor=user,
                session=session,
                agency=form.chosen_agency(),
                attendees=form.cleaned_data["attendees"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"{row.attendees} attended from {row.agency.name}.")
            return redirect("training:session_detail", session_id=session.pk)
    return render_session(request, session, form=form, status=400)


@signed_in
def course_index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_view(user=user)
    courses = list(course_list(user=user))
    audit_view(request, "Viewed training courses", courses=len(courses))
    context = {"courses": courses, "can_record": may_record_training(user=user)}
    return render(request, "training/course_list.html", context)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def course_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not may_record_training(user=user):
        raise AccessDenied(Action.CREATE, Resource.TRAINING)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = course_create(
                actor=user, title=form.cleaned_data["title"], level=form.cleaned_data["level"]
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"{course.title} added.")
            return redirect("training:course_list")
    status = 400 if form.errors else 200
    return render(request, "training/course_form.html", {"form": form}, status=status)


@signed_in
def training_report(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_view(user=user)
    form, period = chosen_period(request)
    figures = None
    if period is not None:
        figures = training_figures(user=user, start=period[0], end=period[1])
        audit_view(
            request,
            f"Viewed training figures {period[0]:%-d %b %Y} to {period[1]:%-d %b %Y}",
            period=[period[0], period[1]],
        )
    status = 200 if period is not None else 400
    context = {"form": form, "figures": figures}
    return render(request, "training/training_report.html", context, status=status)
