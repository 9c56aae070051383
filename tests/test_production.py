"""Production settings pass Django's deployment checks; login is protected."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment.core.security import client_ip

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3y-for-tests-" + "x7Qz!pL2#vR9@mN4$bT6%wY8^cJ1&dF5*gH0" * 2,
    "ALLOWED_HOSTS": "assess.example.gov.cn",
    "DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ENV"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_the_development_defaults():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DATABASE_URL="sqlite://")
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout  # the development secret key


def test_production_refuses_to_start_without_a_secret_key_or_with_debug():
    no_key = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    assert "SECRET_KEY must be set" in manage("check", **no_key).stderr
    with_debug = {**PRODUCTION_ENV, "DEBUG": "1"}
    assert "DEBUG must be off" in manage("check", **with_debug).stderr


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user("alice", password="Correct-Horse-9")


def attempt(client, password: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": "alice", "password": password}, REMOTE_ADDR=ip
    )


def test_five_failed_logins_lock_the_user_on_that_address(client, alice):
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200  # the form again, with an error
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    # Even the right password is refused while locked ...
    assert attempt(client, "Correct-Horse-9").status_code == 429
    # ... but the same user from another address, or another user, is not affected.
    assert attempt(client, "Correct-Horse-9", ip="10.0.0.2").status_code == 302


def test_a_successful_login_resets_the_failure_count(client, alice):
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, "Correct-Horse-9").status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200


# Behind the proxy, as deployed: the settings module reads the environment in a fresh process,
# which migrates an in-memory database and signs in through the real middleware and axes.
PROXY_SCRIPT = """
import json, os, django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.contrib.auth import get_user_model
from django.test import Client
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)  # production's manifest storage
get_user_model().objects.create_user("admin", password="Correct-Horse-9")

def login(client_address, password, forwarded=None):
    # REMOTE_ADDR is the proxy; the proxy appended the client to whatever the client sent.
    chain = ", ".join(filter(None, [forwarded, client_address, *PROXIES]))
    response = Client().post(
        "/accounts/login/", {"username": "admin", "password": password}, REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=chain, HTTP_X_FORWARDED_PROTO="https",
        HTTP_HOST="assess.example.gov.cn")
    return response.status_code

PROXIES = [f"10.0.1.{n}" for n in range(int(os.environ["TRUSTED_PROXY_COUNT"]) - 1)]
attacker = [login("203.0.113.9", "wrong", forwarded="198.51.100.7") for _ in range(6)]
print(json.dumps({
    "attacker": attacker,
    "attacker_right_password": login("203.0.113.9", "Correct-Horse-9"),
    "admin_elsewhere": login("198.51.100.7", "Correct-Horse-9"),
}))
"""


@pytest.mark.parametrize("proxies", ["1", "2"])
def test_lockout_behind_the_proxy_keys_on_the_client_not_the_proxy(proxies, tmp_path):
    """Five wrong passwords from one client lock that client only: the account still signs in
    from everywhere else, whatever the attacker writes into X-Forwarded-For itself."""
    env = {**PRODUCTION_ENV, "BEHIND_TLS_PROXY": "1", "TRUSTED_PROXY_COUNT": proxies,
           "DATABASE_URL": "sqlite://:memory:", "STATIC_ROOT": str(tmp_path)}  # fmt: skip
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ENV"}}
    done = subprocess.run(
        [sys.executable, "-c", PROXY_SCRIPT], cwd=ROOT, env={**clean, **env},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["attacker"] == [200, 200, 200, 200, 429, 429]
    assert outcome["attacker_right_password"] == 429
    assert outcome["admin_elsewhere"] == 302  # signed in: the lockout is not everyone's


def test_without_the_proxy_setting_forwarded_for_is_ignored(db):
    """Straight to the application (no BEHIND_TLS_PROXY, as in the test settings) a client
    cannot choose its own address by sending X-Forwarded-For."""
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(request) == "10.1.1.1"


@pytest.mark.parametrize(
    "password", ["short1!", "alllowercaseletters", "12345678901", "password123"]
)
def test_weak_passwords_are_refused(db, password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_strong_password_is_accepted(db):
    validate_password("spring-Rain-2026")
    validate_password("demo-pass-2026")  # lower case, digits and symbols: three classes


def test_password_change_page(client, alice):
    client.force_login(alice)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    weak = client.post(
        reverse("password_change"),
        {"old_password": "Correct-Horse-9", "new_password1": "abc", "new_password2": "abc"},
    )
    assert weak.status_code == 200  # refused, form shown again
    done = client.post(
        reverse("password_change"),
        {
            "old_password": "Correct-Horse-9",
            "new_password1": "Autumn-Leaf-2027",
            "new_password2": "Autumn-Leaf-2027",
        },
    )
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("Autumn-Leaf-2027")


def _session_row(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key)


def test_a_used_session_is_kept_alive_by_a_refresh(client, staff_xihu, settings):
    settings.SESSION_REFRESH_SECONDS = 0  # every request refreshes
    client.force_login(staff_xihu)
    assert client.get(reverse("assessment:home")).status_code == 200
    first = _session_row(client).expire_date
    assert client.get(reverse("assessment:home")).status_code == 200
    assert _session_row(client).expire_date > first


def test_a_recently_refreshed_session_is_not_written_again(client, staff_xihu, settings):
    settings.SESSION_REFRESH_SECONDS = 3600
    client.force_login(staff_xihu)
    client.get(reverse("assessment:home"))  # the first use stamps the session
    stamped = _session_row(client).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("assessment:home")).status_code == 200
    assert not [q for q in queries.captured_queries if "UPDATE" in q["sql"]]
    assert _session_row(client).expire_date == stamped


def test_a_session_unused_for_its_age_has_expired(client, staff_xihu):
    client.force_login(staff_xihu)
    row = _session_row(client)
    row.expire_date = timezone.now() - timedelta(seconds=1)
    row.save()
    response = client.get(reverse("assessment:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_requests_get_no_session(client, db):
    from django.contrib.sessions.models import Session

    client.get(reverse("login"))
    client.get("/healthz")
    assert not Session.objects.exists()


def test_database_errors_become_a_friendly_503(staff_xihu, monkeypatch):
    """Wherever a database error is raised, the answer is the outage page, not a 500."""
    from django.test import Client

    from assessment.dashboards.views import home

    def unreachable(user):
        raise OperationalError("connection refused")

    monkeypatch.setattr(home, "rounds_for_user", unreachable)
    quiet = Client(raise_request_exception=False)
    quiet.force_login(staff_xihu)
    response = quiet.get("/")
    assert response.status_code == 503
    assert "数据库暂时无法连接" in response.content.decode()
    assert response["Retry-After"] == "30"


def test_a_session_save_during_an_outage_is_a_503_not_a_400(staff_xihu, settings):
    """The database goes away after the page was read, while the session is saved again."""
    from django.test import Client

    def outage_on_session_update(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "django_session" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    settings.SESSION_REFRESH_SECONDS = 0  # this request saves the session
    quiet = Client(raise_request_exception=False)
    quiet.force_login(staff_xihu)
    with connection.execute_wrapper(outage_on_session_update):
        response = quiet.get("/")
    assert response.status_code == 503
    assert "数据库暂时无法连接" in response.content.decode()


def test_other_errors_get_the_bilingual_500_page(staff_xihu, monkeypatch):
    from django.test import Client

    from assessment.dashboards.views import home

    def broken(user):
        raise ValueError("bug")

    monkeypatch.setattr(home, "rounds_for_user", broken)
    quiet = Client(raise_request_exception=False)
    quiet.force_login(staff_xihu)
    response = quiet.get("/")
    assert response.status_code == 500
    assert "服务暂时不可用" in response.content.decode()


def test_health_probe_answers_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "/accounts/login/", {"username": "admin\x00", "password": "x"}),
        ("get", "/tasks/?region=33\x0001", None),
        ("get", "/rounds/1/regions/3301\x0006/", None),
        ("get", "/public/1/?level=county&parent=%00", None),
    ],
)
def test_nul_characters_are_refused_before_they_reach_the_database(
    client, staff_xihu, method, path, data
):
    """PostgreSQL cannot hold a NUL in text: a value carrying one is a 400, never a query."""
    from axes.models import AccessAttempt

    client.force_login(staff_xihu)
    response = getattr(client, method)(path, data) if data else getattr(client, method)(path)
    assert response.status_code == 400
    assert not AccessAttempt.objects.exists()


def test_a_login_name_longer_than_any_user_is_a_failed_login_not_an_error(client, db):
    """The lockout records the name as typed, cut to the longest username (PostgreSQL refuses
    text longer than the 255 characters axes stores)."""
    from axes.models import AccessAttempt

    response = client.post(reverse("login"), {"username": "9" * 300, "password": "x"})
    assert response.status_code == 200  # the form again, with its error
    assert AccessAttempt.objects.get().username == "9" * 150
