"""Compile a template's expressions and work out the order to evaluate visibility in.

`compile_logic` type-checks every `relevant`, `required_if`, `constraint` and `warning` against
the template's questions and subject fields, refuses references that cannot work (a shared
question depending on a per-agency answer), finds cycles among visibility conditions, and
returns a `TemplateLogic` that `core.visibility` and `core.judgements` evaluate quickly. The
loader stores it on `Template.compiled`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lscp_audit.core.expressions import Expression, ExpressionError, ExprType, RefInfo, compile_expression
from lscp_audit.core.templates.model import QuestionType, Section, Template
from lscp_audit.core.templates.problems import Problems

Node = tuple[str, str]  # ("section" | "question", id)

_REF_TYPES: dict[QuestionType, ExprType] = {
    QuestionType.MULTI_CHOICE: ExprType.LIST,
    QuestionType.ACTIONS: ExprType.LIST,
    QuestionType.DATE: ExprType.DATE,
    QuestionType.NUMBER: ExprType.NUMBER,
}


@dataclass(frozen=True)
class QuestionLogic:
    """The compiled conditions of one question (None where the template has none)."""

    question_id: str
    section_id: str
    per_agency: bool
    relevant: Expression | None
    required_if: Expression | None
    constraint: Expression | None
    warning: Expression | None


@dataclass(frozen=True)
class TemplateLogic:
    """Everything needed to evaluate a template quickly.

    `order` lists section and question nodes so that every node comes after the nodes its
    visibility depends on; `section_relevant` holds compiled section conditions.
    """

    questions: Mapping[str, QuestionLogic]
    section_relevant: Mapping[str, Expression | None]
    order: tuple[Node, ...]
    ref_info: Mapping[str, RefInfo]
    per_agency_sections: frozenset[str]


def ref_info_for(kind: QuestionType, codes: tuple[str, ...]) -> RefInfo:
    """How an answer of type `kind` looks inside an expression."""
    value_type = _REF_TYPES.get(kind, ExprType.TEXT)
    return RefInfo(value_type, codes or None, kind.value)


def _ref_infos(template: Template) -> dict[str, RefInfo]:
    infos = {f.id: ref_info_for(f.type, tuple(o.code for o in f.options)) for f in template.subject_fields}
    for question in template.all_questions():
        infos[question.id] = ref_info_for(question.type, tuple(o.code for o in question.options))
    return infos


class _Compiler:
    def __init__(self, template: Template, problems: Problems) -> None:
        self.template = template
        self.problems = problems
        self.infos = _ref_infos(template)
        self.per_agency_questions = {q.id for s in template.sections if s.per_agency for q in s.questions}

    def expression(
        self, text: str | None, what: str, line: int | None, per_agency: bool, self_id: str | None = None
    ) -> Expression | None:
        if text is None:
            return None
        self_info = self.infos.get(self_id) if self_id else None
        try:
            compiled = compile_expression(text, self.infos.get, self_info)
        except ExpressionError as exc:
            self.problems.add(line, f"{what} {exc.message}")
            return None
        if not per_agency:
            for ref in sorted(compiled.refs & self.per_agency_questions):
                self.problems.add(
                    line,
                    f"{what} refers to '{ref}', which is answered once per agency; "
                    "only questions in per-agency sections can use it",
                )
                return None
        return compiled

    def section(self, section: Section) -> Expression | None:
        what = f"section '{section.id}' relevant"
        return self.expression(section.relevant, what, section.line_of("relevant"), section.per_agency)

    def questions(self, section: Section) -> dict[str, QuestionLogic]:
        found = {}
        for q in section.questions:
            what, agency = f"question '{q.id}'", section.per_agency
            found[q.id] = QuestionLogic(
                question_id=q.id,
                section_id=section.id,
                per_agency=agency,
                relevant=self.expression(q.relevant, f"{what} relevant", q.line_of("relevant"), agency),
                required_if=self.expression(q.required_if, f"{what} required_if", q.line_of("required_if"), agency),
                constraint=self.expression(q.constraint, f"{what} constraint", q.line_of("constraint"), agency, q.id),
                warning=self.expression(q.warning, f"{what} warning", q.line_of("warning"), agency, q.id),
            )
        return found


def compile_logic(template: Template, problems: Problems) -> TemplateLogic | None:
    """Compile every expression; report problems and return None if any expression or cycle fails."""
    compiler = _Compiler(template, problems)
    questions: dict[str, QuestionLogic] = {}
    section_relevant: dict[str, Expression | None] = {}
    for section in template.sections:
        section_relevant[section.id] = compiler.section(section)
        questions.update(compiler.questions(section))
    order = _ordered_nodes(_graph(template, questions, section_relevant), template, problems)
    if problems:
        return None
    return TemplateLogic(
        questions=questions,
        section_relevant=section_relevant,
        order=order,
        ref_info=compiler.infos,
        per_agency_sections=frozenset(s.id for s in template.sections if s.per_agency),
    )


def _graph(
    template: Template, questions: Mapping[str, QuestionLogic], section_relevant: Mapping[str, Expression | None]
) -> dict[Node, list[Node]]:
    """Node -> the nodes its visibility depends on (subject fields are inputs, not nodes)."""
    graph: dict[Node, list[Node]] = {}
    for section in template.sections:
        expr = section_relevant.get(section.id)
        graph[("section", section.id)] = [("question", r) for r in sorted(expr.refs)] if expr else []
        for q in section.questions:
            own = questions[q.id].relevant
            deps = [("section", section.id)]
            deps += [("question", r) for r in sorted(own.refs)] if own else []
            graph[("question", q.id)] = deps
    for node, deps in graph.items():
        graph[node] = [d for d in deps if d in graph]
    return graph


def _label(node: Node) -> str:
    return node[1] if node[0] == "question" else f"section {node[1]}"


def _ordered_nodes(graph: dict[Node, list[Node]], template: Template, problems: Problems) -> tuple[Node, ...]:
    """Depth-first topological order; each cycle found is reported once at its first node."""
    state: dict[Node, int] = {}  # 1 = on the current path, 2 = done
    order: list[Node] = []
    for root in graph:
        if state.get(root):
            continue
        path: list[Node] = [root]
        stack = [iter(graph[root])]
        state[root] = 1
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                done = path.pop()
                state[done] = 2
                order.append(done)
            elif state.get(child) == 1:
                _report_cycle(path[path.index(child) :] + [child], template, problems)
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append(iter(graph[child]))
    return tuple(order)


def _report_cycle(cycle: list[Node], template: Template, problems: Problems) -> None:
    start = cycle[0]
    kind, node_id = start
    element = template.section(node_id) if kind == "section" else template.question(node_id)
    line = element.line_of("relevant")
    path = " -> ".join(_label(n) for n in cycle)
    problems.add(line, f"{kind} '{node_id}' relevant is part of a cycle: {path}")
