"""The header navigation: only the links the signed-in user's roles permit."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

from casebridge.access.facts import version
from casebridge.access.policy import Action, Resource, permitted
from casebridge.accounts.models import User
from casebridge.administration.selectors import may_administer
from casebridge.analytics.selectors import may_view_figures
from casebridge.core import fingerprints
from casebridge.core.kept import Kept
from casebridge.exploitation.selectors import may_follow_missing_children
from casebridge.imports.selectors import may_view_imports
from casebridge.notifications.selectors import unread_count
from casebridge.panels.selectors import may_view_meetings
from casebridge.pathways.selectors import allocating_pathways, may_view_cases
from casebridge.plans.selectors import may_view_plans
from casebridge.refuges.selectors import has_visible_refuges
from casebridge.training.selectors import may_view_training
from casebridge.victims.selectors import may_work_victim_referrals
from casebridge.violence.selectors import may_view_sirm_proposals


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    namespace: str
    url_name: str = ""


# Each user's links, kept for the process: they follow from the user's roles, agency and team,
# the permission rules, the pathways and who may see which refuge, so they are kept per those
# and per every fingerprint (read once a request anyway), and per the saves of this process to
# what they read (tests and services write in process). At most 1,000 users' links are kept.
_links: Kept[tuple[object, ...], list[NavItem]] = Kept(1000)
_READ = ("access.PermissionRule", "access.Entitlement", "pathways.Pathway", "refuges.Refuge")


def _kept_items(user: User) -> list[NavItem]:
    key = (
        user.pk,
        user.is_active,
        tuple(sorted(user.role_ids)),
        user.agency_id,
        user.agency.kind if user.agency else None,
        user.team_id,
        get_script_prefix(),
        fingerprints.get_all(),
        version(_READ),
    )
    return _links.get(key, lambda: _items(user))


def _items(user: User) -> list[NavItem]:
    def may(action: str, resource: str) -> bool:
        return permitted(user=user, action=action, resource=resource)

    items = [NavItem("Home", reverse("web:home"), "web", "home")]
    if may(Action.VIEW, Resource.PERSON):
        items.append(NavItem("Find a person", reverse("people:search"), "people", "search"))
    if may(Action.CREATE, Resource.PERSON):
        items.append(NavItem("Add a person", reverse("people:create"), "people", "create"))
    if may_view_cases(user=user):
        items.append(NavItem("Cases", reverse("pathways:case_list"), "pathways"))
    # Workers who are allocated cases (IDVAs) get their caseload; referrers elsewhere do not.
    if allocating_pathways(user=user):
        items.append(NavItem("Caseload", reverse("pathways:caseload"), "pathways", "caseload"))
    if may_view_meetings(user=user):
        items.append(NavItem("Meetings", reverse("panels:meeting_list"), "panels"))
    if may_view_sirm_proposals(user=user):
        items.append(NavItem("SIRM proposals", reverse("violence:sirm_proposal_list"), "violence"))
    if may_follow_missing_children(user=user):
        items.append(
            NavItem("Children missing", reverse("exploitation:still_missing"), "exploitation")
        )
    if may_work_victim_referrals(user=user):
        items.append(NavItem("Victim referrals", reverse("victims:referral_list"), "victims"))
    if may_view_training(user=user):
        items.append(
            NavItem("GP programme and training", reverse("training:surgery_list"), "training")
        )
    if has_visible_refuges(user=user):
        items.append(NavItem("Refuges", reverse("refuges:refuge_list"), "refuges"))
    if may_view_figures(user=user):
        items.append(NavItem("Figures", reverse("analytics:dashboard"), "analytics"))
    if may_view_plans(user=user):
        items.append(NavItem("Action plans", reverse("plans:plan_list"), "plans"))
    if may_view_imports(user=user):
        items.append(NavItem("Imports", reverse("imports:batch_list"), "imports"))
    if may(Action.VIEW, Resource.IDENTITY):
        items.append(NavItem("Identity review", reverse("linkage:review_list"), "linkage"))
    if may(Action.VIEW, Resource.AUDIT):
        items.append(NavItem("Audit log", reverse("audit:search"), "audit", "search"))
        items.append(
            NavItem("Break-glass reviews", reverse("audit:break_glass"), "audit", "break_glass")
        )
    if may_administer(user=user):
        items.append(
            NavItem("Administration", reverse("administration:agency_list"), "administration")
        )
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``nav_items`` with the current one marked, and how many
    notifications the user has not read (one indexed count a page)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    if not request.user.is_verified():  # type: ignore[union-attr,attr-defined]
        return {}
    match = request.resolver_match
    current_ns = match.namespace if match else ""
    current_name = match.url_name if match else ""
    found = _kept_items(request.user)  # type: ignore[arg-type]
    # A page with its own link (the caseload) does not also light up its namespace's link.
    exact = any(i.namespace == current_ns and i.url_name == current_name for i in found)
    items = [
        {
            "item": item,
            "active": item.namespace == current_ns
            and (item.url_name == current_name if item.url_name or exact else True),
        }
        for item in found
    ]
    return {"nav_items": items, "unread_notifications": unread_count(user=request.user)}  # type: ignore[arg-type]
