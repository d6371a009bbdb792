"""The message catalogues: ``tracker/locale/<language>/LC_MESSAGES/messages.po``.

The ``.po`` files are the source (a translator edits them; git shows the
change); they are read once a process with Babel and compiled in memory, so
no compiled ``.mo`` file is kept beside them that could fall out of step.
``tracker/locale/messages.pot`` is what ``make messages`` extracts from the
code (``tracker/i18n/extract.py``); a test fails when it is out of date or a
Welsh translation is missing.
"""

from __future__ import annotations

import functools
import gettext
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "messages"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(language: str) -> Catalog:
    """The catalogue of ``language`` as Babel reads it (fuzzy entries kept, flagged)."""
    with po_path(language).open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


def read_template() -> Catalog:
    with TEMPLATE.open("rb") as pot:
        return read_po(pot, domain=DOMAIN)


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled translations of ``language`` (fuzzy ones left out, as gettext does)."""
    path = po_path(language)
    if not path.exists():
        return gettext.NullTranslations()
    compiled = BytesIO()
    write_mo(compiled, read(language), use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)
