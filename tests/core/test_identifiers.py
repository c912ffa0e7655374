"""The identifier scanner: NHS check digits, each kind's rules and traps, the corpus figures the
docs state, and linear time on hostile text."""

from __future__ import annotations

import time

import pytest

from lscp_audit.core.identifiers import (
    IdentifierKind,
    NameList,
    find_identifiers,
    find_identifiers_in,
    masked,
    nhs_check_digit_valid,
)
from tests.conftest import REPO_ROOT
from tests.core.identifier_corpus import measure, table


@pytest.mark.parametrize(
    ("digits", "valid"),
    [("9434765919", True), ("4010232137", True), ("9434765918", False), ("4010232138", False), ("123456789", False)],
)
def test_nhs_check_digit(digits: str, valid: bool) -> None:
    assert nhs_check_digit_valid(digits) is valid


def test_a_check_digit_of_ten_is_never_valid() -> None:
    # 1000000001..: first nine digits whose remainder gives 10 can have no valid number at all.
    nine = next(
        str(n)
        for n in range(100000000, 100001000)
        if 11 - sum(int(d) * w for d, w in zip(str(n), range(10, 1, -1), strict=True)) % 11 == 10
    )
    assert not any(nhs_check_digit_valid(nine + str(d)) for d in range(10))


def kinds(text: str, names: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(str(m.kind), m.text) for m in find_identifiers(text, names)]


def test_the_issue_s_traps_are_left_alone() -> None:
    text = "NHS 111 and 999 were called; the ST4 registrar saw him; a s.47 enquiry began on 03/04/2025."
    assert kinds(text) == []


def test_an_email_address_wins_over_the_name_inside_it() -> None:
    assert kinds("write to jayden.okafor@example.com", ("Okafor",)) == [("email", "jayden.okafor@example.com")]


def test_names_are_whole_words_in_any_case_and_spacing() -> None:
    names = ("Ann", "Zoë Brennan")
    assert kinds("Joanne and ANN met zoë\n brennan", names) == [("name", "ANN"), ("name", "zoë\n brennan")]


def test_positions_are_in_characters_of_the_original_text() -> None:
    text = "Zoë’s DOB: 01/02/2016"
    [match] = find_identifiers(text)
    assert text[match.start : match.end] == "01/02/2016" and match.kind == IdentifierKind.DATE_OF_BIRTH


def test_a_lone_surrogate_does_not_stop_the_scan() -> None:
    assert kinds("bad \ud800 text, DOB 01/02/2016") == [("date_of_birth", "01/02/2016")]


def test_masked_keeps_only_the_ends() -> None:
    assert masked("943 476 5919") == "9** *** ***9" and masked("AB") == "**"


def test_hostile_text_is_scanned_in_linear_time() -> None:
    names = NameList.of(f"Name{i} Surname{i}" for i in range(500))
    for hostile in ("1 " * 50_000, "a@" * 50_000, "born " * 20_000 + "1", "(" * 100_000):
        started = time.perf_counter()
        find_identifiers(hostile, names)
        assert time.perf_counter() - started < 1.0, hostile[:10]


def test_corpus_figures_are_the_ones_the_docs_state() -> None:
    outcome = measure()
    docs = (REPO_ROOT / "docs" / "identifier-check.md").read_text(encoding="utf-8")
    assert table(outcome) in docs, "run python -m tests.core.identifier_corpus and update docs/identifier-check.md"
    assert f"{outcome.entries} sentences" in docs
    assert outcome.overall.precision >= 0.95 and outcome.overall.recall >= 0.85
    assert outcome.traps >= 25  # the corpus keeps its false-positive traps


def test_scanning_texts_together_gives_what_scanning_each_gives() -> None:
    import yaml

    from tests.core.identifier_corpus import CORPUS

    corpus = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    texts = [e["text"] for e in corpus["entries"]] + ["", "a\x00b DOB\x00 01/02/2016", "Zoë\nBrennan"]
    names = NameList.of(corpus["names"])
    together = find_identifiers_in(texts, names)
    assert together == [find_identifiers(t.replace("\x00", " "), names) for t in texts]
    assert any(together)
