"""Regressions of the wording and display found walking every page in Chinese (issue 24)."""

from __future__ import annotations

from urllib.parse import unquote

from django.urls import reverse


def test_the_profile_styles_its_task_status_badges(client, rounds, supervisor_hangzhou):
    """The badges were white on white: the profile did not load the loop's stylesheet."""
    _, second = rounds
    client.force_login(supervisor_hangzhou)
    page = client.get(reverse("assessment:profile", args=[second.pk, "330106"])).content.decode()
    assert "/static/css/loop.css" in page


def test_the_login_protection_admin_is_in_chinese(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("admin:index")).content.decode()
    assert "登录保护" in page and "登录尝试" in page and "Access attempts" not in page


def test_report_file_names_are_chinese(client, rounds, evaluator_zhejiang):
    _, second = rounds
    client.force_login(evaluator_zhejiang)
    response = client.post(reverse("assessment:round_report", args=[second.pk]) + "?level=city")
    name = unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1])
    assert "评估结果报告" in name and "report" not in name
