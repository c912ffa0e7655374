"""Licences a template's text can be offered under, named by their SPDX identifiers.

A template's ``licence:`` field names the licence of its *text* (questions, guidance,
descriptors), which is separate from the licence of the app's code (GPL-3.0-or-later). The
shipped templates use ``CC-BY-4.0`` (see ``forms/LICENCE`` and docs/templates.md for why). A
licence the app knows is shown by name, with its address, in the Templates area and on reports.
Free text written by templates before the field was checked (a sentence) is still accepted, and
the checker warns about it; a single word that is not a known identifier is an error, because it
is almost always a misspelt one.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class TemplateLicence:
    """One known licence: SPDX id, short name, full name and where its legal text is published."""

    id: str
    short_name: str
    name: str
    url: str

    @property
    def display(self) -> str:
        """``CC BY 4.0 (Creative Commons Attribution 4.0 International)``."""
        return f"{self.short_name} ({self.name})"


KNOWN_LICENCES: dict[str, TemplateLicence] = {
    licence.id: licence
    for licence in (
        TemplateLicence(
            "CC-BY-4.0",
            "CC BY 4.0",
            "Creative Commons Attribution 4.0 International",
            "https://creativecommons.org/licenses/by/4.0/",
        ),
        TemplateLicence(
            "OGL-UK-3.0",
            "OGL v3.0",
            "Open Government Licence v3.0",
            "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        ),
        TemplateLicence(
            "CC-BY-SA-4.0",
            "CC BY-SA 4.0",
            "Creative Commons Attribution-ShareAlike 4.0 International",
            "https://creativecommons.org/licenses/by-sa/4.0/",
        ),
        TemplateLicence(
            "CC0-1.0",
            "CC0 1.0",
            "Creative Commons Zero 1.0 Universal (public domain dedication)",
            "https://creativecommons.org/publicdomain/zero/1.0/",
        ),
    )
}


def known_licence(value: str) -> TemplateLicence | None:
    """The known licence `value` names (its SPDX id, any letter case), else None."""
    wanted = value.strip().casefold()
    return next((licence for key, licence in KNOWN_LICENCES.items() if key.casefold() == wanted), None)


def licence_problem(value: str) -> str | None:
    """Why `value` cannot be a template's licence (None when it can).

    A known identifier and free text (a sentence) are accepted; a single unknown word is not."""
    value = value.strip()
    if not value or known_licence(value) is not None or any(ch.isspace() for ch in value):
        return None
    known = ", ".join(KNOWN_LICENCES)
    close = difflib.get_close_matches(value.upper(), [k.upper() for k in KNOWN_LICENCES], n=1, cutoff=0.6)
    hint = ""
    if close:
        hint = f" (did you mean '{next(k for k in KNOWN_LICENCES if k.upper() == close[0])}'?)"
    return f"'{value}' is not a licence identifier this app knows{hint}; use one of: {known}"


def licence_warning(value: str) -> str | None:
    """A warning for licence text that is not an identifier (None for a known licence or none)."""
    value = value.strip()
    if not value or known_licence(value) is not None or licence_problem(value) is not None:
        return None
    return (
        "licence is free text; name the licence of the template text by its identifier "
        f"({', '.join(KNOWN_LICENCES)}) so the app and reports can show it"
    )


def licence_display(value: str) -> str:
    """How the licence is shown: the known licence's names, else the text as written."""
    licence = known_licence(value)
    return licence.display if licence else value.strip()
