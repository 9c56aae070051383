"""Static files are vendored (no CDN) and survive production's manifest collectstatic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_collectstatic_with_the_production_storage(tmp_path):
    env = {**os.environ, "STATIC_ROOT": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DEBUG", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in (
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/plotly/plotly.min.js",
        "css/app.css",
    ):
        assert name in manifest
        assert (tmp_path / manifest[name]).exists()
        assert (tmp_path / (manifest[name] + ".gz")).exists()  # WhiteNoise pre-compresses


def test_templates_load_nothing_from_the_internet():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if "http://" in text or "https://" in text or "//cdn" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
