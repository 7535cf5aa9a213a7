"""Chinese first, English complete: every message has an English translation, and a person who
chooses English gets English pages and English refusals."""

from pathlib import Path

import pytest
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "jiedao" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry of a .po file, continuation lines joined."""
    entries = []
    for block in text.split("\n\n"):
        fields, current = {"msgid": "", "msgstr": ""}, None
        for line in block.splitlines():
            if line.startswith(("msgid ", "msgstr ", "msgid_plural ", "msgstr[0] ")):
                current, _space, value = line.partition(" ")
                fields[current] = value.strip('"')
            elif line.startswith('"') and current:
                fields[current] += line.strip('"')
        if fields["msgid"]:
            entries.append((fields["msgid"], fields["msgstr"] or fields.get("msgstr[0]", ""), "#, fuzzy" in block))
    return entries


def test_every_message_has_an_english_translation():
    entries = _entries(CATALOGUE.read_text(encoding="utf-8"))

    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert missing == []
    assert len(entries) > 400


@pytest.mark.django_db
def test_english_sign_in_page_and_inbox(world, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.people.intake_clerk)

    page = client.get("/").content.decode()

    assert "To accept" in page
    assert "待受理" not in page
