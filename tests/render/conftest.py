"""Render checks: the reports converted to PDF by LibreOffice headless and to PNG pages by
poppler, as a reader would print them. Marked `render`, run by `make render` (CI installs
LibreOffice and poppler-utils when missing), not by `make test`. Pages go to
test-output/render/ for people to look at."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/render/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.render)
