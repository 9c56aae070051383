"""Settings come from the environment, with safe defaults (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'debug': settings.DEBUG, 'engine': db['ENGINE'], 'name': str(db['NAME']), "
    "'host': db.get('HOST', ''), 'lang': settings.LANGUAGE_CODE, 'tz': settings.TIME_ZONE, "
    "'languages': [code for code, _ in settings.LANGUAGES], 'media': str(settings.MEDIA_ROOT), "
    "'middleware': settings.MIDDLEWARE, 'evidence_max': settings.EVIDENCE_MAX_BYTES}))"
)


def probe(**env: str) -> dict:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "MEDIA_ROOT"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_defaults_are_sqlite_chinese_shanghai_and_debug_off():
    settings = probe()
    assert settings["debug"] is False
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["name"].endswith("db.sqlite3")
    assert settings["lang"] == "zh-hans"
    assert settings["tz"] == "Asia/Shanghai"
    assert settings["languages"] == ["zh-hans", "en"]
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings["middleware"]
    assert "django.middleware.locale.LocaleMiddleware" in settings["middleware"]
    assert settings["evidence_max"] == 20 * 1024 * 1024


def test_database_url_switches_to_postgresql():
    settings = probe(DATABASE_URL="postgres://postgres@db.example:5432/assess")
    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["name"] == "assess"
    assert settings["host"] == "db.example"


def test_debug_and_media_root_are_read_from_the_environment(tmp_path):
    settings = probe(DEBUG="1", MEDIA_ROOT=str(tmp_path), EVIDENCE_MAX_MB="5")
    assert settings["debug"] is True
    assert settings["media"] == str(tmp_path)
    assert settings["evidence_max"] == 5 * 1024 * 1024
