"""Which variant of a bilingual text the active language reads (no database)."""

from __future__ import annotations

from django.utils import translation

from indicators.language import in_english, localized


def test_english_reads_english_and_falls_back_to_chinese() -> None:
    with translation.override("en"):
        assert in_english()
        assert localized("数据共享", "Data sharing") == "Data sharing"
        assert localized("数据共享", "") == "数据共享"
        assert localized("数据共享", None) == "数据共享"


def test_chinese_reads_chinese_and_falls_back_to_english() -> None:
    with translation.override("zh-hans"):
        assert not in_english()
        assert localized("数据共享", "Data sharing") == "数据共享"
        assert localized("", "Data sharing") == "Data sharing"
        assert localized(None, None) == ""


def test_without_an_active_language_the_product_reads_chinese() -> None:
    """Jobs and management commands run with no language: Chinese, the product's first."""
    with translation.override(None):
        assert not in_english()
        assert localized("数据共享", "Data sharing") == "数据共享"
