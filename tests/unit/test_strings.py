"""The one UI string catalog: both languages have the same keys and placeholders, and
every key the pages and modules ask for by name is in it (a missing key shows as itself)."""

import re
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parents[2] / "site"
ENTRY = re.compile(r"^  '([\w.-]+)': (?:'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"|`([^`]*)`),$", re.M)
USED = [re.compile(r"\bt\('([\w.-]+)'"),  # t('key', ...) in modules
        re.compile(r"'data-i18n': '([\w.-]+)'"),
        re.compile(r'data-i18n="([\w.-]+)"'),
        re.compile(r"\b(?:placeholder|title|aria-label):([\w.-]+)")]  # data-i18n-attr="attr:key,..."


def catalog(lang):
    text = (SITE / "js" / "core" / f"strings.{lang}.js").read_text(encoding="utf-8")
    entries = [(m.group(1), next(g for g in m.groups()[1:] if g is not None)) for m in ENTRY.finditer(text)]
    keys = [k for k, _ in entries]
    assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1})
    # Every entry line was understood: a line the pattern skips would hide a key.
    assert len(entries) == sum(1 for line in text.splitlines() if re.match(r"^  '[\w.-]+': ", line))
    return dict(entries)


@pytest.fixture(scope="module")
def tables():
    return {lang: catalog(lang) for lang in ("en", "zh")}


def test_both_languages_have_the_same_keys(tables):
    assert sorted(set(tables["en"]) - set(tables["zh"])) == []
    assert sorted(set(tables["zh"]) - set(tables["en"])) == []
    assert len(tables["en"]) > 200


def test_placeholders_match_in_both_languages(tables):
    names = lambda s: sorted(re.findall(r"\{(\w+)\}", s))  # noqa: E731
    assert [k for k in tables["en"] if names(tables["en"][k]) != names(tables["zh"][k])] == []


def source(path):
    """A page's or module's text without its block comments (they show usage, not use)."""
    return re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)


def test_every_key_asked_for_by_name_exists(tables):
    files = [*SITE.glob("*.html"), *(SITE / "js").rglob("*.js")]
    used = {key for f in files if "vendor" not in f.parts for rx in USED for key in rx.findall(source(f))}
    assert len(used) > 100
    assert sorted(k for k in used if k not in tables["en"]) == []
