"""Shared fixtures: the real regions and default system, and named users for every role.

Named users (as in the README's demo): staff of 西湖区 (330106) and of 滨江区 (330108) in
Hangzhou, staff of 海曙区 (330203) in Ningbo, a Hangzhou supervisor, a Ningbo supervisor, a
provincial supervisor and evaluator, and an administrator.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from assessment.regions.models import Membership, Region, Role
from assessment.regions.services import load_regions
from indicators.services import load_system_file


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The manifest storage needs `collectstatic` first; tests/test_static.py checks that step.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Every test starts in the default language: a request in English (the language switch)
    # leaves English active in this thread, which code outside a request would then speak.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def regions(db) -> None:
    """All 3,213 divisions of China (one bulk upsert: cheap enough for any test to load)."""
    load_regions()


@pytest.fixture
def default_system(db):
    system, _ = load_system_file()
    return system


def make_user(username: str, region_code: str | None = None, role: str | None = None, **extra):
    user = get_user_model().objects.create_user(username=username, password="pw", **extra)
    if region_code and role:
        Membership.objects.create(user=user, region=Region.objects.get(code=region_code), role=role)
    return user


@pytest.fixture
def staff_xihu(regions):
    return make_user("staff-330106", "330106", Role.STAFF)


@pytest.fixture
def staff_binjiang(regions):
    return make_user("staff-330108", "330108", Role.STAFF)


@pytest.fixture
def staff_haishu(regions):
    return make_user("staff-330203", "330203", Role.STAFF)


@pytest.fixture
def supervisor_hangzhou(regions):
    return make_user("supervisor-330100", "330100", Role.SUPERVISOR)


@pytest.fixture
def supervisor_ningbo(regions):
    return make_user("supervisor-330200", "330200", Role.SUPERVISOR)


@pytest.fixture
def supervisor_zhejiang(regions):
    return make_user("supervisor", "330000", Role.SUPERVISOR)


@pytest.fixture
def evaluator_zhejiang(regions):
    return make_user("evaluator", "330000", Role.EVALUATOR)


@pytest.fixture
def administrator(regions):
    return make_user("admin", is_staff=True, is_superuser=True)


@pytest.fixture
def nobody(regions):
    """Logged in, but with no role anywhere."""
    return make_user("nobody")
