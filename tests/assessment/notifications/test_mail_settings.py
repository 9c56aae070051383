"""E-mail settings come from the environment (checked in a fresh interpreter, as
tests/test_settings.py does); tests themselves send to Django's in-memory outbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings as test_settings

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({name: getattr(settings, name) for name in ("
    "'EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_USE_TLS', 'EMAIL_HOST_USER', "
    "'DEFAULT_FROM_EMAIL', 'SITE_URL', 'NOTIFICATION_DAILY_HOUR')}))"
)
NAMES = ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "EMAIL_HOST_USER",
         "DEFAULT_FROM_EMAIL", "SITE_URL", "NOTIFICATION_DAILY_HOUR")  # fmt: skip


def probe(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in NAMES}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def read(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_by_default_e_mail_is_printed_to_the_console():
    settings = read(probe())
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert settings["NOTIFICATION_DAILY_HOUR"] == 8


def test_smtp_is_configured_by_the_environment():
    settings = read(
        probe(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="smtp.example.gov.cn", EMAIL_PORT="587", EMAIL_USE_TLS="1",
            EMAIL_HOST_USER="noreply@example.gov.cn", DEFAULT_FROM_EMAIL="noreply@example.gov.cn",
            SITE_URL="https://pg.example.gov.cn", NOTIFICATION_DAILY_HOUR="7",
        )
    )  # fmt: skip
    assert settings == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.gov.cn", "EMAIL_PORT": 587, "EMAIL_USE_TLS": True,
        "EMAIL_HOST_USER": "noreply@example.gov.cn",
        "DEFAULT_FROM_EMAIL": "noreply@example.gov.cn", "SITE_URL": "https://pg.example.gov.cn",
        "NOTIFICATION_DAILY_HOUR": 7,
    }  # fmt: skip


def test_an_impossible_hour_is_refused():
    result = probe(NOTIFICATION_DAILY_HOUR="24")
    assert result.returncode != 0 and "NOTIFICATION_DAILY_HOUR" in result.stderr


def test_the_test_run_uses_the_in_memory_outbox():
    assert test_settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
