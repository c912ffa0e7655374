"""Typed, immutable model of an audit template (what `forms/*.yaml` files describe).

A `Template` is built by `lscp_audit.core.templates.loader.load_template_text` from YAML text,
checked by the validator, and then frozen: storage keeps `source_text` and `content_hash` with
each audit so the same template can be rebuilt exactly later. Every element keeps the line of
the YAML file it came from (`line`), so error messages and the GUI can point at it.

Vocabulary:
- question types are the `QuestionType` codes, identical to the answer encoding documented in
  `lscp_audit.core.audit`;
- `relevant`, `constraint`, `warning` and `required_if` hold expression text in the small
  XLSForm-style language of `lscp_audit.core.expressions` (``${q1} = 'yes'``, ``.`` for the
  question's own value in constraints and warnings);
- a section with ``repeat: per_agency`` is answered once per agency listed in the subject field
  ``agencies``; its answers carry `Answer.agency`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lscp_audit.core.partnership import PartnershipProfile

FORMAT_VERSION = 1
AGENCIES_FIELD = "agencies"  # the subject field that lists the agencies for per-agency sections
PER_AGENCY = "per_agency"


class QuestionType(StrEnum):
    """Question (and answer value) types. Values are the codes used in YAML and in answers."""

    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    GRADE = "grade"
    RAG = "rag"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    DATE = "date"
    NUMBER = "number"
    ACTIONS = "actions"


#: Types whose answer is one option code.
CHOICE_TYPES = frozenset({QuestionType.YES_NO, QuestionType.SINGLE_CHOICE, QuestionType.GRADE, QuestionType.RAG})
#: Types that carry options (built-in or declared).
OPTION_TYPES = CHOICE_TYPES | {QuestionType.MULTI_CHOICE}
#: Types allowed for subject fields.
SUBJECT_TYPES = frozenset(
    {
        QuestionType.SHORT_TEXT,
        QuestionType.LONG_TEXT,
        QuestionType.SINGLE_CHOICE,
        QuestionType.MULTI_CHOICE,
        QuestionType.DATE,
        QuestionType.NUMBER,
    }
)


class TemplateKind(StrEnum):
    CASE_AUDIT = "case_audit"
    AGENCY_SELF_ASSESSMENT = "agency_self_assessment"


class JudgementMethod(StrEnum):
    """How a judgement is derived from the graded answers (or section judgements) in scope.

    - ``lowest`` (also written ``worst_of``): the weakest input;
    - ``average``: the mean score (levels score n ... 1, best first), rounded as the rule says
      (``down`` by default, so a mixed picture is never rounded up);
    - ``best_fit``: the middle input when all are put in order (the lower of the two middle
      ones when there is an even number), so one outlier neither lifts nor sinks it;
    - ``limiting``: if any input is at the limiting level (`JudgementRule.limit_at`, by default
      the worst level) the judgement is that level; otherwise the `otherwise` method decides.
    Caps apply after any method.
    """

    LOWEST = "lowest"
    AVERAGE = "average"
    BEST_FIT = "best_fit"
    LIMITING = "limiting"


#: Other spellings accepted in templates for the same method.
METHOD_ALIASES = {"worst_of": JudgementMethod.LOWEST}


class Polarity(StrEnum):
    """What an answer says about practice: good practice, a concern, or neither."""

    GOOD = "good"
    CONCERN = "concern"
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class Option:
    """One answer option: a stable `code` (stored in answers), its label and an optional
    description (for example a RAG definition) shown as help."""

    code: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class ScaleLevel:
    """One level of a scale. `marker` is a short text-only sign of the level (``RI``, ``G``)
    printed next to the colour so nothing depends on colour alone; `colour` is ``#RRGGBB``.
    A level with `scored` false (``Not applicable``) is a valid answer that never counts in a
    judgement."""

    code: str
    label: str
    descriptor: str = ""
    colour: str = ""
    marker: str = ""
    scored: bool = True


@dataclass(frozen=True)
class Scale:
    """An ordered answer scale, best level first.

    `graded` scales feed judgements (scored levels score n ... 1 in order); narrative scales
    are answered and reported but never combined. `source` says where the scale came from:
    ``built-in`` (the fixed ``grade`` and ``rag`` scales of format-1 templates), ``library``
    (the shared scale file shipped with the app) or ``template``.
    """

    id: str
    title: str
    levels: tuple[ScaleLevel, ...]
    graded: bool = True
    source: str = "template"
    line: int | None = field(default=None, compare=False)

    @cached_property
    def scores(self) -> dict[str, int]:
        """Score of each scored level's code, best highest (empty for a narrative scale)."""
        if not self.graded:
            return {}
        scored = [level.code for level in self.levels if level.scored]
        return {code: len(scored) - index for index, code in enumerate(scored)}

    @cached_property
    def labels(self) -> dict[str, str]:
        return {level.code: level.label for level in self.levels}

    @property
    def options(self) -> tuple[Option, ...]:
        """Every level as an answer option (the descriptor is its help text)."""
        return tuple(Option(level.code, level.label, level.descriptor) for level in self.levels)

    @property
    def scored_options(self) -> tuple[Option, ...]:
        """The levels a judgement (or an override) can take, best first."""
        return tuple(o for o in self.options if o.code in self.scores)

    def level(self, code: str) -> ScaleLevel | None:
        return next((level for level in self.levels if level.code == code), None)

    def code_for_score(self, score: int) -> str:
        for code, value in self.scores.items():
            if value == score:
                return code
        raise ValueError(f"no level of scale '{self.id}' scores {score}")

    @property
    def worst(self) -> str:
        """Code of the lowest scored level."""
        return self.code_for_score(1)


@dataclass(frozen=True)
class SubjectField:
    """A field identifying what is audited (case reference, agencies, period, ...).

    `pattern` is a regular expression the whole value must match (short text only); its
    `pattern_message` explains the expected shape to the user.
    """

    id: str
    type: QuestionType
    label: str
    guidance: str = ""
    required: bool = True
    pattern: str | None = None
    pattern_message: str = ""
    options: tuple[Option, ...] = ()
    line: int | None = field(default=None, compare=False)
    field_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    #: The partnership list the options come from (``partnership.rounds``), or "".
    options_ref: str = ""


@dataclass(frozen=True)
class Question:
    """One question.

    - `required`: must be answered whenever visible; `required_if` makes it required only when
      the expression holds (in addition to being visible).
    - `relevant`: expression; the question is shown (and its answer counts) only when it holds.
    - `constraint`: hard rule on the answer (``.`` is the answer); `constraint_message` is shown
      when it fails and the answer cannot be accepted.
    - `warning`: soft rule; when it fails `warning_message` is shown and the auditor must give a
      reason (`Answer.warning_reason`) which the report records.
    - `evidence_prompt`: what to write in the answer's evidence box (empty: no evidence box).
    - `options`: for choice types; built-in types carry the fixed codes (relabelled if declared).
    """

    id: str
    type: QuestionType
    label: str
    guidance: str = ""
    required: bool = False
    required_if: str | None = None
    evidence_prompt: str = ""
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: str = ""
    warning: str | None = None
    warning_message: str = ""
    options: tuple[Option, ...] = ()
    #: The scale a grade or rag question is answered on (``grade`` / ``rag`` when not named).
    scale: str | None = None
    #: Answer code -> polarity, for yes_no and choice questions that declare one (codes not
    #: listed are neutral); empty when the template declares none.
    polarity: Mapping[str, Polarity] = field(default_factory=dict, hash=False)
    line: int | None = field(default=None, compare=False)
    #: Line of each field in the YAML file (``{"relevant": 42}``), for messages.
    field_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, field_name: str) -> int | None:
        """Line of `field_name` in the source, else the question's first line."""
        return self.field_lines.get(field_name, self.line)

    def option(self, code: str) -> Option | None:
        """The option with `code`, or None."""
        return next((o for o in self.options if o.code == code), None)

    def option_label(self, code: str) -> str:
        """Label of option `code` (the code itself when unknown)."""
        found = self.option(code)
        return found.label if found else code

    def polarity_of(self, code: str) -> Polarity | None:
        """The declared polarity of answer `code` (None when the question declares none)."""
        if not self.polarity:
            return None
        return self.polarity.get(code, Polarity.NEUTRAL)


@dataclass(frozen=True)
class Section:
    """A titled group of questions; `repeat` is ``per_agency`` or None; `relevant` hides the
    whole section when it does not hold."""

    id: str
    title: str
    description: str = ""
    repeat: str | None = None
    relevant: str | None = None
    questions: tuple[Question, ...] = ()
    line: int | None = field(default=None, compare=False)
    field_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, field_name: str) -> int | None:
        return self.field_lines.get(field_name, self.line)

    @property
    def per_agency(self) -> bool:
        return self.repeat == PER_AGENCY


@dataclass(frozen=True)
class Cap:
    """A limiter: if any input is `if_any`, the judgement can be no better than `at_most`."""

    if_any: str
    at_most: str


@dataclass(frozen=True)
class JudgementRule:
    """How one judgement is derived. `questions` limits the inputs to those question ids (empty:
    every question on the rule's scale in scope).

    The plain-English rule shown in the GUI and printed in the report is generated from these
    fields (`core.judgements.describe_rule`). `description` is kept for templates written
    before that: it is still read, and the checker suggests removing it.

    - `limit_at` / `otherwise`: for ``limiting``, the level that limits (default: the worst)
      and the method used when nothing is at it (default ``best_fit``).
    - `agencies` (overall rule from sections only): ``each`` counts every agency's section
      judgement as an input (format-1 behaviour); ``combined`` first combines them with
      `agency_method` into one agency judgement, counted `agency_weight` times beside the
      multi-agency (shared) section judgements.
    """

    method: JudgementMethod = JudgementMethod.LOWEST
    rounding: str = "down"  # "down" or "nearest" (half rounds down); average only
    caps: tuple[Cap, ...] = ()
    questions: tuple[str, ...] = ()
    description: str = ""
    limit_at: str = ""
    otherwise: JudgementMethod = JudgementMethod.BEST_FIT
    agencies: str = "each"
    agency_method: JudgementMethod = JudgementMethod.BEST_FIT
    agency_weight: int = 1
    line: int | None = field(default=None, compare=False)
    field_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, field_name: str) -> int | None:
        return self.field_lines.get(field_name, self.line)


@dataclass(frozen=True)
class JudgementRules:
    """Judgement rules declared in a template.

    `scale` names the graded scale judged on: ``grade`` (Outstanding..Inadequate) or ``rag``
    (Red/Amber/Green) as in format 1, or a scale the template declares. `section` is
    the default rule for every section holding questions of that type, `section_rules` overrides
    it per section id, and `overall` derives the overall judgement from the section judgements
    (``overall_from: sections``, every agency's judgement counted for per-agency sections) or
    directly from the graded answers (``overall_from: questions``).
    """

    scale: str = "grade"
    section: JudgementRule | None = None
    section_rules: Mapping[str, JudgementRule] = field(default_factory=dict)
    overall: JudgementRule | None = None
    overall_from: str = "sections"
    line: int | None = field(default=None, compare=False)

    def rule_for_section(self, section_id: str) -> JudgementRule | None:
        return self.section_rules.get(section_id, self.section)


@dataclass(frozen=True)
class SelfTest:
    """A check the template carries about itself, run by `templates check`.

    `answers` maps ``qid`` (or ``qid@agency`` inside per-agency sections) to an answer value;
    `subject` gives subject values (``agencies`` drives per-agency sections). Expectations:
    question keys that must be visible / hidden, keys reported missing, judgements by scope
    (``overall``, a section id, or ``section@agency``), and answered keys whose soft warning
    must (``expect_warnings``) or must not (``expect_no_warnings``) fire.
    """

    name: str
    answers: Mapping[str, Any] = field(default_factory=dict)
    subject: Mapping[str, Any] = field(default_factory=dict)
    expect_visible: tuple[str, ...] = ()
    expect_hidden: tuple[str, ...] = ()
    expect_missing: tuple[str, ...] = ()
    expect_judgements: Mapping[str, str | None] = field(default_factory=dict)
    expect_warnings: tuple[str, ...] = ()  # answered questions whose soft warning must fire
    expect_no_warnings: tuple[str, ...] = ()  # answered questions whose soft warning must not fire
    today: str | None = None  # ISO date the test pretends is today (for conditions using today())
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Template:
    """A whole, validated audit template.

    `source_text` is the exact YAML it was built from and `content_hash` is
    ``sha256:<hex>`` of that text with normalised line endings (see `hashing`); both are stored
    with every audit so it reopens against the template it was started with. `file_name` is
    where it was read from (for messages only).
    """

    id: str
    title: str
    version: str
    kind: TemplateKind
    description: str = ""
    intended_users: str = ""
    attribution: str = ""
    licence: str = ""
    subject_fields: tuple[SubjectField, ...] = ()
    sections: tuple[Section, ...] = ()
    judgement_rules: JudgementRules | None = None
    self_tests: tuple[SelfTest, ...] = ()
    #: Every scale questions may use: the built-in ``grade`` and ``rag`` plus those declared.
    scales: Mapping[str, Scale] = field(default_factory=dict)
    source_text: str = field(default="", repr=False)
    content_hash: str = ""
    file_name: str = field(default="", compare=False)
    format_version: int = FORMAT_VERSION
    #: Parsed expressions, filled in by the loader (see `core.templates.logic`); not data.
    compiled: Any = field(default=None, compare=False, repr=False)
    #: The partnership lists the template's ``options: partnership.*`` were resolved from (the
    #: rounds only those this template sees), or None when it names no partnership list.
    partnership: PartnershipProfile | None = field(default=None, compare=False, repr=False)
    #: True when `source_text` carries its own frozen ``partnership:`` block.
    partnership_frozen: bool = field(default=False, compare=False)

    def __hash__(self) -> int:
        # Some fields hold dicts; id, version and content hash identify a template anyway.
        return hash((self.id, self.version, self.content_hash))

    def subject_field_for(self, reference: str) -> SubjectField | None:
        """The first subject field whose options are partnership list `reference`
        (``partnership.rounds``), or None."""
        return next((f for f in self.subject_fields if f.options_ref == reference), None)

    def all_questions(self) -> Iterator[Question]:
        """Every question in document order."""
        for section in self.sections:
            yield from section.questions

    @cached_property
    def _index(self) -> dict[str, tuple[Question, Section]]:
        # Built once per template (frozen dataclasses allow cached_property: it writes __dict__).
        return {q.id: (q, s) for s in self.sections for q in s.questions}

    def question(self, question_id: str) -> Question:
        """The question with this id; KeyError when there is none."""
        return self._index[question_id][0]

    def section(self, section_id: str) -> Section:
        """The section with this id; KeyError when there is none."""
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def section_of(self, question_id: str) -> Section:
        """The section holding question `question_id`; KeyError when there is none."""
        return self._index[question_id][1]

    def scale(self, scale_id: str) -> Scale:
        """The scale with this id (built-in or declared); KeyError when there is none."""
        if scale_id in self.scales:
            return self.scales[scale_id]
        from lscp_audit.core.templates.scales import BUILTIN_SCALES

        return BUILTIN_SCALES[scale_id]

    @property
    def judgement_scale(self) -> Scale | None:
        """The scale the judgements are on (None without judgement rules)."""
        return self.scale(self.judgement_rules.scale) if self.judgement_rules else None

    def question_scale(self, question: Question) -> Scale | None:
        """The scale `question` is answered on (None unless it is a grade or rag question)."""
        return self.scale(question.scale) if question.scale else None

    def subject_field(self, field_id: str) -> SubjectField:
        for subject_field in self.subject_fields:
            if subject_field.id == field_id:
                return subject_field
        raise KeyError(field_id)

    @property
    def agency_options(self) -> tuple[Option, ...]:
        """The agencies a per-agency section can repeat for (options of subject ``agencies``)."""
        try:
            return self.subject_field(AGENCIES_FIELD).options
        except KeyError:
            return ()

    @property
    def has_per_agency_sections(self) -> bool:
        return any(s.per_agency for s in self.sections)
