"""Every user-visible string goes through the translation layer, and English covers them all."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "app/translations/en/LC_MESSAGES/messages.po"


def extract(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "--ignore-dirs",
            ".* __pycache__",  # not Babel's default, which skips templates/_macros
            "-o",
            str(pot),
            "app",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def test_english_catalog_translates_every_string(tmp_path):
    wanted = extract(tmp_path)
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and m.string and not m.fuzzy
    }
    missing = sorted(wanted - translated)
    assert missing == [], "Run `make extract-messages` and translate: " + "; ".join(missing)


def test_templates_have_no_untranslated_text():
    """Text between tags in templates must be a {{ _() }} call, not a bare Swedish word."""
    # A language switch names each language in that language, whatever the page's language.
    allowed = {"Samverkan", "–", "Svenska", "English"}
    attributes_only = re.compile(r'(\s*[\w-]+="[^"]*")+\s*')  # a `{% set %}` of attributes
    offenders = []
    for template in (ROOT / "app/templates").rglob("*.html"):
        source = re.sub(r"{#.*?#}", "", template.read_text(), flags=re.S)
        source = re.sub(r"{[{%].*?[%}]}", "", source, flags=re.S)
        for text in re.findall(r">([^<>]+)<", source):
            words = html.unescape(text).strip()  # "&lt;" is punctuation, not the word "lt"
            if attributes_only.fullmatch(words):
                continue
            if words and words not in allowed and re.search(r"[A-Za-zÅÄÖåäö]{2,}", words):
                remaining = words
                for ok in allowed:
                    remaining = remaining.replace(ok, "")
                if re.search(r"[A-Za-zÅÄÖåäö]{2,}", remaining):
                    offenders.append(f"{template.name}: {words}")
    assert offenders == []
