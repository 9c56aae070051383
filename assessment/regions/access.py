"""Who may see and do what: the rules every domain's access checks build on.

Rules:
- administrators (Django staff or superuser) see everything;
- supervisors and evaluators see the whole subtree of the region of their membership;
- regional staff see and edit their own region only;
- a region the user may not see does not exist for them (404); a region they may see but with
  the wrong role for the action is forbidden (403).

Each domain keeps its own checks beside its views (collection/access.py, results/access.py,
rectification/access.py, dashboards/access.py), built on these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from assessment.regions.models import Membership, Region, Role


@dataclass(frozen=True)
class Grant:
    """One membership, reduced to what access checks need."""

    role: str
    region_code: str
    prefix: str  # subtree prefix for supervisors/evaluators; the exact code for staff

    def covers(self, region: Region) -> bool:
        if self.role == Role.STAFF:
            return region.code == self.region_code
        return region.code.startswith(self.prefix)


def is_administrator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.is_staff))


def grants_for(user) -> tuple[Grant, ...]:
    """The user's memberships, loaded once per request and cached on the user object."""
    if not user.is_authenticated:
        return ()
    cached = getattr(user, "_grants_cache", None)
    if cached is None:
        rows = Membership.objects.filter(user=user).values_list(
            "role", "region__code", "region__level"
        )
        cached = tuple(
            Grant(role=role, region_code=code, prefix=_prefix(role, code, level))
            for role, code, level in rows
        )
        user._grants_cache = cached
    return cached


def _prefix(role: str, code: str, level: str) -> str:
    if role == Role.STAFF:
        return code
    return Region(code=code, level=level).subtree_prefix


def roles_on(user, region: Region) -> set[str]:
    """The roles that apply to `region` for this user (administrators get none by membership)."""
    return {grant.role for grant in grants_for(user) if grant.covers(region)}


def own_region_codes(user) -> set[str]:
    """The regions the user holds a role on themselves (any role): those they never verify,
    score or adjudicate, since they would be judging their own work."""
    return {grant.region_code for grant in grants_for(user)}


def has_any_role(user, roles: Iterable[str]) -> bool:
    wanted = set(roles)
    return any(grant.role in wanted for grant in grants_for(user))


def can_see_region(user, region: Region) -> bool:
    return is_administrator(user) or bool(roles_on(user, region))


def visibility_filter(user, *, field: str = "code", roles: Iterable[str] | None = None) -> Q:
    """A Q that keeps rows whose region (reached through `field`) the user may see.

    `field` is the lookup path to a region code, e.g. "code" on Region or "region__code" on
    Submission; `roles` narrows which memberships count (e.g. only supervisors).
    """
    if is_administrator(user):
        return Q()
    wanted = set(roles) if roles is not None else None
    condition = Q(pk__in=[])
    for grant in grants_for(user):
        if wanted is not None and grant.role not in wanted:
            continue
        if grant.role == Role.STAFF:
            condition |= Q(**{field: grant.region_code})
        else:
            condition |= Q(**{f"{field}__startswith": grant.prefix})
    return condition


def get_region_for_user(user, code: str) -> Region:
    """The region with this code (and its parent, which pages name) if the user may see it;
    otherwise 404 (never 403)."""
    region = Region.objects.select_related("parent").filter(code=code).first()
    if region is None or not can_see_region(user, region):
        raise Http404
    return region


def require_role(user, region: Region, roles: Iterable[str], *, allow_admin: bool = True) -> None:
    """404 when the region is invisible to the user, 403 when visible but the role is wrong."""
    if allow_admin and is_administrator(user):
        return
    held = roles_on(user, region)
    if not held and not is_administrator(user):
        raise Http404
    if not held & set(roles):
        raise PermissionDenied


def home_roles(user) -> list[str]:
    """The roles a user holds anywhere, most powerful first, for navigation and home pages."""
    order = [Role.SUPERVISOR, Role.EVALUATOR, Role.STAFF]
    held = {grant.role for grant in grants_for(user)}
    return [role for role in order if role in held]


def require_administrator(user) -> None:
    """403 for anyone but an administrator (used once the object is known to be visible)."""
    if not is_administrator(user):
        raise PermissionDenied


def supervised_prefixes(user) -> tuple[str, ...]:
    """Code prefixes of the regions the user supervises ("" for administrators: all), for
    per-row links such as "create a task" on the ranking page (no query per row)."""
    if is_administrator(user):
        return ("",)
    return tuple(g.prefix for g in grants_for(user) if g.role == Role.SUPERVISOR)


def may_supervise_region(user, region: Region) -> bool:
    return is_administrator(user) or Role.SUPERVISOR in roles_on(user, region)


def require_region_supervisor(user, region: Region) -> None:
    """Creating a task or inviting a practice: supervisors over the region (403 else)."""
    require_role(user, region, [Role.SUPERVISOR])
