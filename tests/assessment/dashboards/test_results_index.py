"""The results page lists what each role may open; the navigation links to it."""

from __future__ import annotations

from django.urls import reverse

from assessment.collection.models import RoundStatus


def test_supervisors_get_the_rankings(client, rounds, supervisor_hangzhou):
    _, second = rounds
    client.force_login(supervisor_hangzhou)
    page = client.get(reverse("assessment:results")).content.decode()
    assert reverse("assessment:ranking", args=[second.pk]) in page
    assert 'data-testid="nav-results"' in page and "排名看板" in page
    assert "publish-" not in page  # only administrators publish


def test_staff_get_their_own_profile_of_published_rounds(client, rounds, staff_xihu):
    first, second = rounds
    client.force_login(staff_xihu)
    page = client.get(reverse("assessment:results")).content.decode()
    assert reverse("assessment:profile", args=[first.pk, "330106"]) in page  # published
    assert reverse("assessment:profile", args=[second.pk, "330106"]) not in page  # closed
    assert f'href="{reverse("assessment:ranking", args=[first.pk])}"' not in page
    assert "本地区结果" in page


def test_administrators_get_publish_buttons(client, rounds, administrator):
    first, second = rounds
    client.force_login(administrator)
    page = client.get(reverse("assessment:results")).content.decode()
    assert f'data-testid="publish-{second.pk}"' in page
    assert f'data-testid="unpublish-{first.pk}"' in page
    second.status = RoundStatus.OPEN
    second.save()
    page = client.get(reverse("assessment:results")).content.decode()
    assert f'data-testid="publish-{second.pk}"' not in page  # close the round first


def test_the_results_page_needs_a_login(client, rounds):
    assert client.get(reverse("assessment:results"))["Location"].startswith(reverse("login"))


def test_the_action_column_is_not_called_open_like_a_round_status(client, rounds, administrator):
    """Regression: the header shared the msgid "Open" with the round status 进行中."""
    client.force_login(administrator)
    page = client.get(reverse("assessment:results")).content.decode()
    header = page.split('data-testid="result-rounds"')[1].split("</thead>")[0]
    assert "<th>查看</th>" in header and "进行中" not in header


def test_the_login_page_leads_to_the_public_display(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("assessment:public_index")}"' in page and "公开" in page
