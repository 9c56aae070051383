"""Classification schemes from Excel: a clean file replaces the classes, a file with problems
changes nothing and says what is wrong, row by row; the download is the file the import reads."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessment.regions.classifications import MAX_BYTES
from assessment.regions.models import Classification, RegionClass
from tests.assessment.conftest import upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def book(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def scheme(regions):
    scheme = Classification.objects.create(code="zj-mountain", name_zh="山区26县")
    RegionClass.objects.create(classification=scheme, region_id="330106", label="旧类别")
    return scheme


def post(client, scheme, content: bytes, name: str = "classes.xlsx"):
    url = reverse("admin:regions_classification_import", args=[scheme.pk])
    return client.post(url, {"workbook": upload(name, content, XLSX)})


def classes(scheme) -> dict[str, str]:
    return dict(RegionClass.objects.filter(classification=scheme).values_list("region_id", "label"))


def test_a_clean_file_replaces_the_classes(client, administrator, scheme):
    client.force_login(administrator)
    rows = [
        ("地区代码", "类别"),
        ("330127", "山区26县"),
        (330324, "山区26县"),
        ("330102", "其他县"),
    ]
    response = post(client, scheme, book(rows))
    assert response.status_code == 302
    assert classes(scheme) == {"330127": "山区26县", "330324": "山区26县", "330102": "其他县"}
    page = client.get(reverse("admin:regions_classification_changelist")).content.decode()
    assert "zj-mountain" in page


def test_a_file_with_problems_changes_nothing_and_lists_them(client, administrator, scheme):
    client.force_login(administrator)
    rows = [("330127", "山区26县"), ("999999", "x"), ("33012", "x"), ("330127", "其他"),
            ("330324", ""), ("330326", "长" * 61)]  # fmt: skip
    response = post(client, scheme, book(rows))
    assert response.status_code == 400
    problems = response.context["problems"]
    assert [p.split("：")[0].split(":")[0] for p in problems] == [
        "第 2 行", "第 3 行", "第 4 行", "第 5 行", "第 6 行",
    ]  # fmt: skip
    assert "999999" in problems[0] and "33012" in problems[1] and "第 1 行" in problems[2]
    assert classes(scheme) == {"330106": "旧类别"}  # untouched


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"code,class\n330127,x\n", "classes.csv"), (b"PK\x03\x04broken", "broken.xlsx"),
     (book([]), "empty.xlsx")],
)  # fmt: skip
def test_what_is_not_a_usable_workbook_is_refused(client, administrator, scheme, content, name):
    client.force_login(administrator)
    response = post(client, scheme, content, name)
    assert response.status_code == 400 and response.context["problems"]
    assert classes(scheme) == {"330106": "旧类别"}


def test_an_oversized_file_is_refused_before_it_is_read(client, administrator, scheme):
    client.force_login(administrator)
    response = post(client, scheme, b"PK\x03\x04" + b"0" * MAX_BYTES)
    assert response.status_code == 400
    assert "2 MB" in response.context["problems"][0]


def test_the_download_is_the_file_the_import_reads(client, administrator, scheme):
    client.force_login(administrator)
    RegionClass.objects.create(classification=scheme, region_id="330127", label="=山区26县")
    response = client.get(reverse("admin:regions_classification_export", args=[scheme.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[2]] == ["330106", "旧类别", "西湖区"]
    assert sheet.cell(3, 2).value == "'=山区26县"  # never a formula
    assert post(client, scheme, response.content).status_code == 302
    assert classes(scheme)["330106"] == "旧类别"


def test_supervisors_reach_the_admin_login_only(client, supervisor_zhejiang, scheme):
    client.force_login(supervisor_zhejiang)
    response = post(client, scheme, book([("330127", "山区26县")]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert classes(scheme) == {"330106": "旧类别"}
