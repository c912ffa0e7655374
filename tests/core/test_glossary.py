"""The partnership glossary and the term finder used to link guidance text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lscp_audit.core.glossary import GLOSSARY, find_terms, is_acronym, lookup, search

REQUIRED_TERMS = (
    "MARAC", "MASH", "IDVA", "LADO", "CDOP", "CIN", "CP", "LAC", "CLA", "EHA", "DSL", "SPOC", "WNB", "CSE", "CCE",
)  # fmt: skip


def test_the_jargon_buster_terms_are_defined() -> None:
    for term in REQUIRED_TERMS:
        entry = lookup(term)
        assert entry is not None, term
        assert len(entry.definition) > 40


def test_terms_and_aliases_are_unique() -> None:
    names = [n if is_acronym(n) else n.lower() for e in GLOSSARY for n in (e.term, *e.aliases)]
    assert len(names) == len(set(names))


def test_acronyms_are_case_sensitive_whole_words() -> None:
    matches = find_terms("Was a CP plan made? (cp is not a term; CPR and MASHED are not either.)")
    assert [(m.matched, m.entry.term) for m in matches] == [("CP", "CP")]


def test_positions_plurals_and_aliases() -> None:
    text = "Discussed at two MARACs; the child is LAC (CLA) and WNB twice."
    found = find_terms(text)
    assert [text[m.start : m.end] for m in found] == ["MARACs", "LAC", "CLA", "WNB"]
    assert found[0].entry.term == "MARAC"
    assert found[1].entry is found[2].entry


def test_phrases_match_in_any_case_and_longest_first() -> None:
    found = find_terms("Early help was offered; the section 11  audit and Operation Encompass notices.")
    assert [m.entry.term for m in found] == ["Early help", "Section 11", "Operation Encompass"]
    assert found[1].matched == "section 11"


def test_no_match_inside_words_or_hyphenated_words() -> None:
    assert find_terms("CINEMA, CPs-like, PRECP and multi-MASH") == ()


def test_lookup_and_search() -> None:
    assert lookup("cla") is None
    assert lookup("early HELP") is not None
    entry = lookup("IDVA")
    assert entry is not None and entry.title == "IDVA (Independent Domestic Violence Adviser)"
    assert search("")[0].term == sorted(e.term for e in GLOSSARY)[0]
    results = [e.term for e in search("domestic")]
    # name matches before definition matches
    assert results[:7] == ["DAPO", "DARA", "DASH", "DHR", "DVDS", "DVPO", "IDVA"]
    assert "MARAC" in results


def test_domestic_abuse_terms_used_by_the_templates_are_defined() -> None:
    for term in ("DASH", "DARA", "DVPO", "DVPN", "DVDS", "Clare's Law", "DAPO", "DAPN"):
        assert lookup(term) is not None, term
    assert [m.entry.term for m in find_terms("A DVPN was issued, then a DVPO; Clare's Law disclosure.")] == [
        "DVPO",
        "DVPO",
        "DVDS",
    ]


@given(st.text(max_size=200))
def test_matches_are_ordered_non_overlapping_slices(text: str) -> None:
    previous_end = 0
    for match in find_terms(text):
        assert match.start >= previous_end
        assert text[match.start : match.end] == match.matched
        previous_end = match.end
