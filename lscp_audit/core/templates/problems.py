"""Problems found in a template file, and the error that carries all of them."""

from __future__ import annotations

from dataclasses import dataclass

from lscp_audit.core.errors import TemplateError


@dataclass(frozen=True, order=True)
class Problem:
    """One problem, printed as ``FILE:LINE: message`` (``FILE: message`` without a line)."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


class TemplateInvalid(TemplateError):
    """A template has one or more problems. `file`, `line` and `detail` are the first one's;
    `problems` lists them all, and the message has one ``FILE:LINE: message`` line each."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("TemplateInvalid needs at least one problem")
        self.problems = list(problems)
        first = self.problems[0]
        super().__init__(first.file, first.line, first.message)
        self.args = ("\n".join(str(p) for p in self.problems),)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class Problems:
    """Collects problems for one file so the checker can report every one, not just the first."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []

    def add(self, line: int | None, message: str) -> None:
        problem = Problem(self.file, line, message)
        if problem not in self.items:
            self.items.append(problem)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise TemplateInvalid(self.items)
