"""Who is told about a region: only people who may see it (assessment/regions/access.py).

Staff see their own region; supervisors and evaluators the subtree of the region they hold
their role on. So the people who see region R are its staff and the supervisors and
evaluators on R or on one of its ancestors, which GB/T 2260 codes name without a query:
PP0000 (the province), PPCC00 (the city) and R itself (the same prefixes `Grant.covers`
compares). Each function is one query, however many people or regions.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from assessment.regions.models import Membership, Role, level_for_code, subtree_prefix_for

#: Roles that cover a whole subtree.
WIDE_ROLES = (Role.SUPERVISOR, Role.EVALUATOR)


def covering_codes(code: str) -> set[str]:
    """The region and its ancestors: the regions whose supervisors and evaluators see it."""
    return {code[:2] + "0000", code[:4] + "00", code}


def covering(code: str, roles: Iterable[str]) -> Q:
    """Memberships (a Q on Membership) whose holder sees region `code` with one of `roles`."""
    roles = set(roles)
    condition = Q(pk__in=[])
    if Role.STAFF in roles:
        condition |= Q(role=Role.STAFF, region_id=code)
    wide = sorted(roles & set(WIDE_ROLES))
    if wide:
        condition |= Q(role__in=wide, region_id__in=sorted(covering_codes(code)))
    return condition


def region_readers(region_code: str, roles: Iterable[str]) -> QuerySet:
    """The users holding one of `roles` on the region or (supervisors, evaluators) on an
    ancestor: the people of those roles who see it. Active users only."""
    members = Membership.objects.filter(covering(region_code, roles)).values("user_id")
    return get_user_model().objects.filter(pk__in=members, is_active=True)


def region_staff(region_code: str) -> QuerySet:
    """The region's own staff."""
    return region_readers(region_code, [Role.STAFF])


def readers_of(region_code: str, user_id: int | None) -> QuerySet:
    """`user_id` if they still see the region (any role), else nobody: the author of an
    appeal or a practice is told only while the region is theirs to see."""
    if user_id is None:
        return get_user_model().objects.none()
    return region_readers(region_code, Role.values).filter(pk=user_id)


def staff_memberships(regions) -> QuerySet:
    """The staff memberships of `regions` (a Region queryset, or region codes)."""
    if isinstance(regions, QuerySet):
        return Membership.objects.filter(role=Role.STAFF, region_id__in=regions.values("code"))
    return Membership.objects.filter(role=Role.STAFF, region_id__in=list(regions))


def scope_memberships(scope_code: str | None, roles: Iterable[str]) -> QuerySet:
    """Memberships of `roles` that see some of a round's scope: on a region inside it, or on
    the scope itself or an ancestor (a nationwide round, `scope_code` None: all of them)."""
    members = Membership.objects.filter(role__in=sorted(set(roles)))
    if scope_code is None:
        return members
    prefix = subtree_prefix_for(scope_code, level_for_code(scope_code))
    return members.filter(
        Q(region__code__startswith=prefix) | Q(region_id__in=sorted(covering_codes(scope_code)))
    )


def seen_part(grant_code: str, scope_code: str | None) -> str | None:
    """The region a notification about the scope names for someone holding a role on
    `grant_code`: their own region when it lies inside the scope, else the scope."""
    if scope_code is None:
        return grant_code
    prefix = subtree_prefix_for(scope_code, level_for_code(scope_code))
    return grant_code if grant_code.startswith(prefix) else scope_code
