"""The languages the tracker speaks: the one closed list.

Each is named in its own language (a Welsh speaker looks for "Cymraeg", not
"Welsh"); the code is the one the document's ``lang`` attribute, the address
(``?lang=cy``), a user's saved choice and the message catalogues use.
"""

ENGLISH = "en"
WELSH = "cy"
DEFAULT = ENGLISH

NAMES = {ENGLISH: "English", WELSH: "Cymraeg"}  # each in its own language
LANGUAGES = tuple(NAMES)


def known(code: object) -> str | None:
    """``code`` as one of LANGUAGES ("CY" and " cy " are Welsh), or None."""
    if not isinstance(code, str):
        return None
    code = code.strip().lower()
    return code if code in NAMES else None


# Translations a speaker of the language has not yet reviewed: the interface says so (docs/glossary-cy.md).
AWAITING_REVIEW = frozenset({WELSH})
