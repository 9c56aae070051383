"""The Chinese catalogue is complete and compiled, and the language switch works."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def read_po(path: Path) -> list[tuple[str, str, bool, bool]]:
    """(msgid, msgstr, fuzzy, plural) for every entry but the header; entries are blank-separated.

    Chinese has one plural form, so a plural entry's translation is its msgstr[0]. An entry
    with a context (pgettext) gets the key GNU gettext files it under: "context\x04msgid".
    """
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        parts: dict[str, list[str]] = {
            "msgctxt": [], "msgid": [], "msgstr": [], "msgid_plural": []
        }  # fmt: skip
        fuzzy, target = False, None
        for line in block.splitlines():
            if line.startswith("#,"):
                fuzzy = fuzzy or "fuzzy" in line
            elif line.startswith(("msgctxt ", "msgid ", "msgstr ", "msgid_plural ", "msgstr[0] ")):
                keyword, _, literal = line.partition(" ")
                target = "msgstr" if keyword == "msgstr[0]" else keyword
                parts[target].append(ast.literal_eval(literal))
            elif line.startswith('"') and target:
                parts[target].append(ast.literal_eval(line))
        msgid = "".join(parts["msgid"])
        if msgid and parts["msgctxt"]:
            msgid = "".join(parts["msgctxt"]) + "\x04" + msgid
        if msgid:
            plural = bool(parts["msgid_plural"])
            entries.append((msgid, "".join(parts["msgstr"]), fuzzy, plural))
    return entries


def test_every_message_has_a_chinese_translation():
    entries = read_po(LOCALE / "django.po")
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstr, _, _ in entries if not msgstr]
    fuzzy = [msgid for msgid, _, is_fuzzy, _ in entries if is_fuzzy]
    assert untranslated == [], "fill these msgstr in locale/zh_Hans/LC_MESSAGES/django.po"
    assert fuzzy == [], "review these fuzzy translations"


NAMES = ("region", "department", "name", "round", "parent", "scheme", "label")


def test_chinese_names_are_not_set_apart_by_spaces():
    """Regression (issue 24): "余杭区 的数据" — a Chinese name takes no space before or after
    the Chinese text around it (codes and usernames may keep theirs)."""
    spaced = re.compile(
        r"%\((?:"
        + "|".join(NAMES)
        + r")\)s [\u4e00-\u9fff]|[\u4e00-\u9fff] %\((?:"
        + "|".join(NAMES)
        + r")\)s"
    )
    found = [msgstr for _, msgstr, _, _ in read_po(LOCALE / "django.po") if spaced.search(msgstr)]
    assert found == []


def test_msgids_are_not_hidden_in_f_strings():
    """Regression (issue 24): makemessages cannot see `_()` inside an f-string, so the text
    stayed English ("…-results report-….xlsx", "Required："). Keep translatable text out of
    f-strings."""
    root = Path(__file__).resolve().parent.parent
    hidden = []
    for path in [*root.glob("assessment/**/*.py"), *root.glob("indicators/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        if re.search(r"""f(["']).*?\{_\(""", text):
            hidden.append(str(path.relative_to(root)))
    assert hidden == []


def test_compiled_catalogue_matches_the_po_file():
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for msgid, msgstr, _, plural in read_po(LOCALE / "django.po")
        if (compiled.ngettext(msgid, msgid, 1) if plural else compiled.gettext(msgid)) != msgstr
    ]
    assert stale == [], "run `make messages` to recompile django.mo"


def test_every_text_of_the_jinja_templates_is_in_the_catalogue():
    """The Jinja2 templates (config/jinja2.py) say `_("…")`; `make messages` must have picked
    each text up, or the entry form would show English in the Chinese interface."""
    catalogue = {msgid: msgstr for msgid, msgstr, _, _ in read_po(LOCALE / "django.po")}
    templates = sorted((LOCALE.parents[2] / "assessment").glob("*/jinja2/**/*.html"))
    texts = set()
    for path in templates:
        for double, single in re.findall(r"""_\((?:"([^"]+)"|'([^']+)')\)""", path.read_text()):
            texts.add(double or single)
    assert templates and len(texts) > 20
    assert sorted(text for text in texts if not catalogue.get(text)) == []


@pytest.mark.django_db
def test_pages_are_chinese_by_default_and_english_on_request(client):
    page = client.get("/accounts/login/")
    assert "登录" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/")
    assert "Log in" in page.content.decode()
    assert "登录" not in page.content.decode()
