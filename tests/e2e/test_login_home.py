"""Each demo role logs in through a real browser and lands on its own home page."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import log_in, screenshot


@pytest.mark.parametrize(
    ("username", "section", "expected_text"),
    [
        ("staff-330106", "home-staff", "西湖区"),
        ("supervisor", "home-supervisor", "辖区评估轮次"),
        ("evaluator", "home-evaluator", "评估轮次与报告"),
    ],
)
def test_demo_user_sees_their_home_page(page, demo_server, username, section, expected_text):
    log_in(page, demo_server, username)
    assert page.locator(f"[data-testid={section}]").is_visible()
    assert expected_text in page.content()
    assert page.locator("[data-testid=user-menu]").inner_text().strip() == username
    screenshot(page, f"home-{username}")


def test_wrong_password_is_refused_in_chinese(page, demo_server):
    log_in(page, demo_server, "staff-330106", password="wrong-password")
    assert "用户名或密码错误" in page.content()
    screenshot(page, "login-refused")


def test_home_works_on_a_phone(phone_page, demo_server):
    log_in(phone_page, demo_server, "supervisor-330100")
    assert phone_page.locator("[data-testid=home-supervisor]").is_visible()
    # The navigation collapses behind the toggler on a narrow screen.
    assert phone_page.locator(".navbar-toggler").is_visible()
    screenshot(phone_page, "home-supervisor-330100-phone")
    phone_page.click(".navbar-toggler")
    phone_page.wait_for_selector("#main-nav.show")
    screenshot(phone_page, "home-phone-menu-open")


def test_language_switch_shows_english(page, demo_server):
    log_in(page, demo_server, "evaluator")
    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert "Rounds and reports" in page.content()
    screenshot(page, "home-evaluator-english")
