"""Run the self-tests a template declares: given answers, expect visibility and judgements.

Each failure is a problem on the self-test's line, e.g.
``self-test 'no police' expects 'q3' hidden, but it is visible``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from lscp_audit.core.errors import ValidationError
from lscp_audit.core.templates.model import Question, SelfTest, Template
from lscp_audit.core.templates.problems import Problems

if TYPE_CHECKING:
    from lscp_audit.core.visibility import Visibility


# visibility, validation and judgements import this package's logic module, so they are imported
# when first used rather than at import time (avoids an import cycle through the package).
def _visibility() -> Any:
    import lscp_audit.core.visibility as module

    return module


def _validation() -> Any:
    import lscp_audit.core.validation as module

    return module


class _Run:
    def __init__(self, template: Template, test: SelfTest, problems: Problems) -> None:
        self.template = template
        self.test = test
        self.problems = problems
        self.ok = True
        self.today = date.fromisoformat(test.today) if test.today else None
        listed = test.subject.get("agencies")
        self.agencies: list[Any] = listed if isinstance(listed, list) else []

    def fail(self, message: str) -> None:
        self.ok = False
        self.problems.add(self.test.line, f"self-test '{self.test.name}' {message}")

    def key(self, text: str, where: str) -> tuple[str, str] | None:
        """``qid`` or ``qid@agency`` as an answer key, checking both parts."""
        question_id, _, agency = text.partition("@")
        try:
            section = self.template.section_of(question_id)
        except KeyError:
            self.fail(f"{where} refers to unknown question '{question_id}'")
            return None
        if section.per_agency and not agency:
            self.fail(
                f"{where} names '{question_id}', which is answered per agency; write it as '{question_id}@agency'"
            )
            return None
        if agency and not section.per_agency:
            self.fail(f"{where} names '{text}', but '{question_id}' is not in a per-agency section")
            return None
        if agency and agency not in self.agencies:
            self.fail(f"{where} names agency '{agency}', which is not in the self-test's subject agencies")
            return None
        return question_id, agency

    def answers(self) -> dict[tuple[str, str], Any]:
        found = {}
        for text, value in self.test.answers.items():
            key = self.key(text, "answers")
            if key is None:
                continue
            for problem in _validation().validate_value(self.template.question(key[0]), value):
                self.fail(f"answer for '{text}' {problem}")
            found[key] = value
        return found

    def subject(self) -> Mapping[str, Any]:
        known = {f.id: f for f in self.template.subject_fields}
        for field_id, value in self.test.subject.items():
            field = known.get(field_id)
            if field is None:
                self.fail(f"subject refers to unknown subject field '{field_id}'")
                continue
            as_question = Question(field.id, field.type, field.label, options=field.options)
            for problem in _validation().validate_value(as_question, value):
                self.fail(f"subject '{field_id}' {problem}")
        return self.test.subject

    def check_visibility(self, visibility: Visibility) -> None:
        for text in self.test.expect_visible:
            key = self.key(text, "expect_visible")
            if key and not visibility.is_visible(*key):
                self.fail(f"expects '{text}' visible, but it is hidden")
        for text in self.test.expect_hidden:
            key = self.key(text, "expect_hidden")
            if key and visibility.is_visible(*key):
                self.fail(f"expects '{text}' hidden, but it is visible")

    def check_missing(self, answers: dict[tuple[str, str], Any]) -> None:
        found = _visibility().find_missing(self.template, answers, self.test.subject, self.today)
        missing = {(p.question_id, p.agency or "") for p in found}
        for text in self.test.expect_missing:
            key = self.key(text, "expect_missing")
            if key and key not in missing:
                self.fail(f"expects '{text}' missing, but it is not")

    def check_warnings(self, answers: dict[tuple[str, str], Any], visibility: Visibility) -> None:
        expectations = [(text, True) for text in self.test.expect_warnings]
        expectations += [(text, False) for text in self.test.expect_no_warnings]
        for text, expected in expectations:
            where = "expect_warnings" if expected else "expect_no_warnings"
            key = self.key(text, where)
            if key is None:
                continue
            if key not in answers:
                self.fail(f"{where} names '{text}', which the self-test does not answer")
                continue
            problems = _validation().validate_answer(
                self.template,
                key[0],
                answers[key],
                visibility.values_for(key[1] or None),
                agency=key[1] or None,
                today=self.today,
            )
            warned = any(p.kind == "warning" for p in problems)
            if expected and not warned:
                self.fail(f"expects a warning on '{text}', but there is none")
            elif warned and not expected:
                self.fail(f"expects no warning on '{text}', but it warns")

    def check_judgements(self, answers: dict[tuple[str, str], Any]) -> None:
        if not self.test.expect_judgements:
            return
        if self.template.judgement_rules is None:
            self.fail("expects judgements, but the template has no judgement_rules")
            return
        try:
            from lscp_audit.core.judgements import derive_judgements

            found = derive_judgements(self.template, answers, self.test.subject, today=self.today).by_key()
        except ValidationError as exc:
            self.fail(f"cannot derive judgements: {exc}")
            return
        for scope, expected in self.test.expect_judgements.items():
            judgement = found.get(scope)
            if judgement is None:
                self.fail(f"expects a judgement for '{scope}', but there is no such judgement")
            elif judgement.value != expected:
                self.fail(f"expects {scope} judgement {expected}, but the rules give {judgement.value}")


def run_self_tests(template: Template, problems: Problems) -> int:
    """Run every self-test, adding a problem per failure; returns the number that passed."""
    passed = 0
    for test in template.self_tests:
        run = _Run(template, test, problems)
        answers = run.answers()
        subject = run.subject()
        if not run.ok:
            continue
        visibility = _visibility().evaluate_visibility(template, answers, subject, run.today)
        run.check_visibility(visibility)
        run.check_warnings(answers, visibility)
        run.check_missing(answers)
        run.check_judgements(answers)
        passed += run.ok
    return passed
