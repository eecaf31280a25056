"""The figures dashboard: indicators by quarter with their trends, each indicator's page, and
the records behind a figure for those who may see them. Every page is audited.

Who may see small numbers is a permission of its own (``restricted_figures``): without it,
every figure is printed as the public edition of the board report prints it, no numerator or
denominator is shown, and there is no drill-down."""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from casebridge.access.policy import Action, Resource, require_permission
from casebridge.analytics.charts import trend_chart
from casebridge.analytics.dashboard import DashboardSection, dashboard
from casebridge.analytics.disclosure import DEFAULT_THRESHOLD
from casebridge.analytics.periods import (
    Period,
    is_quarter,
    mid_year_estimate_note,
    mid_year_estimate_year,
    parse_period,
)
from casebridge.analytics.presentation import (
    format_value,
    maturity_note,
    published_value,
    shown_value,
)
from casebridge.analytics.queueing import ABOUT as SNAPSHOT_RUNS
from casebridge.analytics.queueing import snapshot_enqueue
from casebridge.analytics.registry import Indicator, registry
from casebridge.analytics.selectors import (
    DENOMINATOR,
    NUMERATOR,
    default_quarter,
    figure_records,
    has_records,
    in_progress,
    indicator_breakdowns,
    indicator_history,
    may_refresh_figures,
    may_view_restricted_figures,
    reporting_quarters,
)
from casebridge.analytics.snapshot import Snapshot
from casebridge.analytics.store import latest_snapshot, snapshot_get, snapshot_id
from casebridge.audit.reads import viewed
from casebridge.core.errors import ApplicationError
from casebridge.jobs.selectors import run_latest
from casebridge.reports.selectors import released_figures
from casebridge.ui.decorators import current_user, signed_in
from casebridge.web.figures.forms import FiguresForm, ReportForm


def _is_stale(snapshot: Snapshot) -> bool:
    age = timezone.now() - snapshot.taken_at
    return age > timedelta(minutes=settings.CASEBRIDGE_SNAPSHOT_STALE_MINUTES)


def _figures_link(name: str, **query: str) -> str:
    indicator_id = query.pop("indicator_id", "")
    kwargs = {"indicator_id": indicator_id} if indicator_id else {}
    return f"{reverse(f'analytics:{name}', kwargs=kwargs)}?{urlencode(query)}"


def public_or_restricted(
    *, snapshot: Snapshot, period: Period, public: bool
) -> list[DashboardSection]:
    """The dashboard's tables: for the public view, every figure as the public edition of the
    quarter's board report prints it (one disclosure pass over the report and the dashboard);
    else exactly."""
    released = released_figures(snapshot=snapshot, quarter=period) if public else None
    return dashboard(snapshot=snapshot, period=period, released=released)


@signed_in
def figures_dashboard(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_permission(user=user, action=Action.VIEW, resource=Resource.FIGURES)
    restricted = may_view_restricted_figures(user=user)
    snapshot = latest_snapshot()
    may_refresh = may_refresh_figures(user=user)
    context: dict = {
        "snapshot": snapshot,
        "may_refresh": may_refresh,
        "restricted": restricted,
        # The user's latest refresh, while it waits or runs, or if it failed.
        "run": run_latest(user=user, about=SNAPSHOT_RUNS) if may_refresh else None,
    }
    if snapshot is None:
        return render(request, "analytics/dashboard.html", context)
    quarters = reporting_quarters(snapshot=snapshot)
    form = figures_form(request, snapshot, restricted=restricted)
    under_way = form.under_way
    if form.is_bound:
        period = form.chosen_period() if form.is_valid() else None
    else:
        period = default_quarter(quarters, snapshot=snapshot)
        form.initial = {"period": period.label if period else ""}
    context.update(form=form, stale=_is_stale(snapshot))
    if period is not None:
        public = form.public_edition()
        context["under_way"] = period == under_way
        sections = public_or_restricted(snapshot=snapshot, period=period, public=public)
        ended = [quarter for quarter in quarters if not in_progress(quarter, snapshot=snapshot)]
        context.update(
            period=period,
            public=public,
            sections=[_section_context(section, period, snapshot) for section in sections],
            export_link=_figures_link(
                "export", period=period.label, **({"public": "on"} if public else {})
            ),
            report_form=ReportForm(
                initial={"period": period.label if period in ended else ""},
                quarters=ended,
                may_choose_edition=restricted,
            )
            if ended
            else None,
        )
        viewed(
            request,
            object_type=Resource.FIGURES,
            summary=f"Viewed the figures for {period.label}",
            changes={"snapshot": snapshot_id(snapshot), "period": period.label, "public": public},
        )
    return render(request, "analytics/dashboard.html", context)


def figures_form(request: HttpRequest, snapshot: Snapshot, *, restricted: bool) -> FiguresForm:
    """The choice of quarter (and, for those who may see small numbers, of edition), bound to
    the address's query when it names a quarter."""
    quarters = reporting_quarters(snapshot=snapshot)
    under_way = next((q for q in quarters if in_progress(q, snapshot=snapshot)), None)
    data = request.GET if "period" in request.GET else None
    return FiguresForm(data, quarters=quarters, under_way=under_way, may_choose_edition=restricted)


def _section_context(section: DashboardSection, period: Period, snapshot: Snapshot) -> dict:
    tables = []
    for table in section.tables:
        rows = []
        for row in table.rows:
            shown = [format_value(row.indicator, value) for value in row.trend]
            rows.append(
                {
                    "row": row,
                    "chart": trend_chart(row.trend, labels=row.trend_labels, shown=shown),
                    "link": _figures_link(
                        "indicator",
                        indicator_id=row.indicator.id,
                        period=period.label,
                        snapshot=snapshot_id(snapshot),
                    ),
                }
            )
        tables.append({"columns": table.columns, "note": table.note, "rows": rows})
    return {"title": section.title, "tables": tables}


@signed_in
@require_POST
def figures_refresh(request: HttpRequest) -> HttpResponse:
    snapshot_enqueue(actor=current_user(request))
    messages.success(
        request,
        "The figures are being refreshed from the records in the background: this page shows "
        "them once they are.",
    )
    period = request.POST.get("period", "")
    query = f"?{urlencode({'period': period})}" if period else ""
    return redirect(f"{reverse('analytics:dashboard')}{query}")


def _figure_context(request: HttpRequest, indicator_id: str) -> tuple[Indicator, Snapshot, Period]:
    """The indicator, snapshot and quarter a figure's page is about, from its address."""
    user = current_user(request)
    require_permission(user=user, action=Action.VIEW, resource=Resource.FIGURES)
    indicator = registry().get(indicator_id)
    wanted = request.GET.get("snapshot", "")
    snapshot = snapshot_get(wanted) if wanted else latest_snapshot()
    if indicator is None or snapshot is None:
        raise Http404
    if "period" not in request.GET:
        period = default_quarter(reporting_quarters(snapshot=snapshot), snapshot=snapshot)
        if period is None:
            raise Http404
        return indicator, snapshot, period
    try:
        return indicator, snapshot, parse_period(request.GET["period"])
    except ApplicationError as error:
        raise Http404 from error


def _quarter(period: Period) -> Period:
    """An indicator's page is for a quarter (its figures are for the periods of its basis)."""
    if not is_quarter(period):
        raise Http404
    return period


@signed_in
def indicator_detail(request: HttpRequest, indicator_id: str) -> HttpResponse:
    indicator, snapshot, period = _figure_context(request, indicator_id)
    period = _quarter(period)
    restricted = may_view_restricted_figures(user=current_user(request))
    public = not restricted
    history = indicator_history(snapshot=snapshot, indicator=indicator, period=period)
    labels = [figure.period for figure in history]
    if public:  # as the quarter's public edition prints each (one pass over the release)
        released = released_figures(snapshot=snapshot, quarter=period)
        printed = [released[(indicator.id, label)] for label in labels]
        shown, values = [p.text for p in printed], [p.value for p in printed]
    else:
        shown = [shown_value(indicator, figure, public=False) for figure in history]
        values = [
            published_value(figure, public=False, threshold=DEFAULT_THRESHOLD) for figure in history
        ]
    rows = []
    for figure, text in zip(history, shown, strict=True):
        query = {"indicator_id": indicator.id, "period": figure.period}
        query["snapshot"] = snapshot_id(snapshot)
        rows.append(
            {
                "figure": figure,
                "value": text,
                "maturity": maturity_note(figure),
                "population_year": _population_year(indicator, figure.period),
                "numerator_link": _figures_link("records", **query, part=NUMERATOR)
                if restricted and has_records(indicator, NUMERATOR)
                else "",
                "denominator_link": _figures_link("records", **query, part=DENOMINATOR)
                if restricted and has_records(indicator, DENOMINATOR)
                else "",
            }
        )
    latest = indicator.basis.columns(period, 1)[0]
    viewed(
        request,
        object_type=Resource.FIGURES,
        object_id=indicator.id,
        summary=f"Viewed the figures for {indicator.title}",
        changes={"snapshot": snapshot_id(snapshot), "period": period.label, "public": public},
    )
    return render(
        request,
        "analytics/indicator_detail.html",
        {
            "indicator": indicator,
            "period": period,
            "latest": latest,
            "basis": indicator.basis.describe(),
            "population": mid_year_estimate_note(indicator.mid_year_estimate),
            "snapshot": snapshot,
            "restricted": restricted,
            "rows": rows[::-1],  # newest first, as a table is read
            # Categories' small counts are published only as the board report's tables, by
            # its disclosure pass: a reader without the restricted figures sees them there.
            "breakdowns": [
                {
                    "heading": breakdown.heading,
                    "rows": [
                        (label, figure, shown_value(indicator, figure, public=False))
                        for label, figure in breakdown.rows
                    ],
                }
                for breakdown in indicator_breakdowns(
                    snapshot=snapshot, indicator=indicator, period=latest
                )
            ]
            if restricted
            else [],
            "chart": trend_chart(
                values, labels=labels, shown=shown, width=640, height=240, margin=48
            ),
            "dashboard_link": _figures_link("dashboard", period=period.label),
        },
    )


def _population_year(indicator: Indicator, label: str) -> str:
    """Whose mid-year estimate a rate for the period divided by ("mid-2022"), or ""."""
    rule = indicator.mid_year_estimate
    if rule is None:
        return ""
    return f"mid-{mid_year_estimate_year(parse_period(label), rule)}"


@signed_in
def figure_records_list(request: HttpRequest, indicator_id: str) -> HttpResponse:
    # How many records lie behind a figure is the figure unsuppressed: a small number.
    user = current_user(request)
    require_permission(user=user, action=Action.VIEW, resource=Resource.RESTRICTED_FIGURES)
    indicator, snapshot, period = _figure_context(request, indicator_id)
    part = request.GET.get("part", NUMERATOR)
    if part not in (NUMERATOR, DENOMINATOR) or not has_records(indicator, part):
        raise Http404
    found = figure_records(
        user=current_user(request),
        snapshot=snapshot,
        indicator=indicator,
        period=period,
        part=part,
        page_number=request.GET.get("page", 1),
    )
    viewed(
        request,
        object_type=Resource.FIGURES,
        object_id=indicator.id,
        summary=f"Viewed the records behind {indicator.title} for {period.label}",
        changes={
            "snapshot": snapshot_id(snapshot),
            "period": period.label,
            "part": part,
            "records_shown": [row.id for row in found.rows],
            "records_not_shown": found.not_shown,
        },
    )
    query = urlencode({"period": period.label, "snapshot": snapshot_id(snapshot), "part": part})
    return render(
        request,
        "analytics/figure_records.html",
        {
            "indicator": indicator,
            "period": period,
            "snapshot": snapshot,
            "part": part,
            "found": found,
            "query": f"&{query}",
            "indicator_link": _figures_link(
                "indicator",
                indicator_id=indicator.id,
                period=period.label,
                snapshot=snapshot_id(snapshot),
            ),
        },
    )
