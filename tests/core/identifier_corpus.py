"""Precision and recall of the identifier scanner on the corpus in
tests/fixtures/identifiers/corpus.yaml: ``python -m tests.core.identifier_corpus`` prints the
table that docs/identifier-check.md shows (a test keeps the two equal)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from lscp_audit.core.identifiers import KIND_LABELS, IdentifierKind, NameList, find_identifiers

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "identifiers" / "corpus.yaml"


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0


@dataclass(frozen=True)
class Outcome:
    entries: int
    traps: int
    by_kind: dict[IdentifierKind, Score]
    overall: Score
    misses: list[tuple[str, str, str]]  # (kind, text, sentence)
    false_alarms: list[tuple[str, str, str]]


def measure(path: Path = CORPUS) -> Outcome:
    corpus = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = NameList.of(corpus["names"])
    counts: dict[str, Counter[IdentifierKind]] = {"tp": Counter(), "fp": Counter(), "fn": Counter()}
    misses, alarms = [], []
    traps = 0
    for entry in corpus["entries"]:
        expected = {(IdentifierKind(e["kind"]), e["text"]) for e in entry["expect"]}
        traps += not expected
        found = {(m.kind, m.text) for m in find_identifiers(entry["text"], names)}
        for kind, _text in found & expected:
            counts["tp"][kind] += 1
        for kind, text in found - expected:
            counts["fp"][kind] += 1
            alarms.append((str(kind), text, entry["text"]))
        for kind, text in expected - found:
            counts["fn"][kind] += 1
            misses.append((str(kind), text, entry["text"]))
    by_kind = {k: Score(counts["tp"][k], counts["fp"][k], counts["fn"][k]) for k in IdentifierKind}
    overall = Score(*(sum(c.values()) for c in (counts["tp"], counts["fp"], counts["fn"])))
    return Outcome(len(corpus["entries"]), traps, by_kind, overall, misses, alarms)


def table(outcome: Outcome) -> str:
    """The markdown table of docs/identifier-check.md."""
    lines = ["| kind | found and wanted | false alarms | missed | precision | recall |", "|---|---|---|---|---|---|"]
    rows = [(KIND_LABELS[k], s) for k, s in outcome.by_kind.items()] + [("**All kinds**", outcome.overall)]
    for label, s in rows:
        lines.append(
            f"| {label} | {s.true_positives} | {s.false_positives} | {s.false_negatives} "
            f"| {s.precision:.0%} | {s.recall:.0%} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    result = measure()
    print(f"{result.entries} sentences, {result.traps} of them with nothing to find\n")
    print(table(result))
    for kind, text, sentence in result.misses:
        print(f"missed {kind}: {text!r} in {sentence!r}")
    for kind, text, sentence in result.false_alarms:
        print(f"false alarm {kind}: {text!r} in {sentence!r}")
