"""The app as a screen reader sees it, on the real AT-SPI accessibility bus (issue 19).

`bus_walker.py` runs with the system python3 and pyatspi inside its own D-Bus session, starts the
app with accessibility on and reads every main screen (see its docstring) from a vault made here:
the test template with every question type, a draft and a completed audit, a signing identity
and a signed return. Fails on: an interactive node with no name, a radio button or grouped check
box whose name does not include its question, a Tab sequence that misses an interactive node,
comes back to an earlier one before the end or stops on a container with nothing to say, a
disabled control that does not say why, and a status label whose name does not follow its
message (the unlock problem, "Saved" after typing, the inbox import outcome).

Needs an X display with a window manager (`make test-atspi` runs it under Xvfb and openbox),
dbus-run-session, xdotool, and /usr/bin/python3 with pyatspi; skipped, saying which is missing,
otherwise.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from lscp_audit.core.audit import Answer
from lscp_audit.core.partnership import Round, default_profile
from lscp_audit.reports import identity_certs
from lscp_audit.services.audit_service import AuditService
from lscp_audit.services.demo_data import generate_answers
from lscp_audit.services.identity_service import IdentityService
from lscp_audit.services.inbox_service import InboxService
from lscp_audit.services.pack_service import PackService
from lscp_audit.services.partnership_service import PartnershipService
from lscp_audit.services.report_service import ReportService
from lscp_audit.services.template_service import TemplateService
from lscp_audit.services.vault_service import VaultService
from lscp_audit.storage.keyfile import FLOOR_COST, KdfPolicy
from tests.services.conftest import make_vault

SYSTEM_PYTHON = "/usr/bin/python3"
WALKER = Path(__file__).with_name("bus_walker.py")
MINI_TEMPLATE = Path(__file__).parents[1] / "services" / "fixtures" / "mini_audit.yaml"
PASSPHRASE = "quiet harbour 2031 meadow lamp"


def _missing() -> str:
    if os.environ.get("QT_QPA_PLATFORM") != "xcb" or not os.environ.get("DISPLAY"):
        return "needs a real X display (run `make test-atspi`, which uses Xvfb and openbox)"
    for tool in ("dbus-run-session", "xdotool"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    probe = [SYSTEM_PYTHON, "-c", "import pyatspi"]
    if not Path(SYSTEM_PYTHON).exists() or subprocess.run(probe, capture_output=True).returncode != 0:
        return f"{SYSTEM_PYTHON} cannot import pyatspi (Debian: apt-get install python3-pyatspi at-spi2-core)"
    return ""


pytestmark = pytest.mark.skipif(bool(_missing()), reason=_missing() or "ready")


def _seed(home: Path) -> tuple[Path, Path]:
    """A vault holding three audits of the test template with every question type (a draft, CS-0412,
    a draft with every answer given and a telephone number in one, CS-0303, and a completed one, CS-0101), a signing identity, and a signed return of the completed audit
    to import in the QA inbox. Returns the vault and that PDF."""
    template_file = Path(__file__).parents[1] / "ui" / "templates" / "ui-all-types.yaml"
    templates = TemplateService(user_dir=home / "data" / "templates")  # where the app looks under LSCP_AUDIT_HOME
    templates.import_template(template_file)
    vault = home / "vault.lscp"
    # The cheapest key derivation the app accepts (its floor): each unlock costs less of the minute.
    service = VaultService(vault, use_keychain=False, kdf_policy=KdfPolicy(cost=FLOOR_COST))
    service.create(PASSPHRASE)
    try:
        audits = AuditService.for_vault(service.vault, templates, actor="Alex Example")
        IdentityService(service.vault).create("Alex Example", "Audit lead", "Example LSCP")
        subject = {"case_reference": "CS-0101", "agencies": ["police", "health"]}
        template = audits.template("ui-all-types")
        answers = generate_answers(random.Random(19), template, subject, "strong")
        done = audits.new_audit("ui-all-types", subject, answers=answers)
        audits.complete(done.id)
        # Every answer given, but one holds a telephone number: Complete shows the identifier check.
        with_phone = {"case_reference": "CS-0303", "agencies": ["police", "health"]}
        answers = generate_answers(random.Random(23), template, with_phone, "strong")
        answers = [a for a in answers if a.question_id != "q_short"] + [Answer("q_short", "Call 07700 900123")]
        audits.new_audit("ui-all-types", with_phone, answers=answers)
        draft = {"case_reference": "CS-0412", "agencies": ["police", "health"]}
        audits.new_audit("ui-all-types", draft, answers=[Answer("q_yes", "no")])  # "no" shows the follow-up
        pdf = home / "return.pdf"
        ReportService(service.vault, actor="Alex Example").export(done.id, pdf)
        identities = IdentityService(service.vault)
        InboxService(service.vault).trust_certificate(identities.export_certificate_pem())  # a trusted return
    finally:
        service.lock()
    return vault, pdf


def _s11_return(home: Path) -> Path:
    """A Section 11 return signed by whoever completed it (another agency's vault), for the
    senior lead's sign-off dialog."""
    from bench.bench_reports import completed_audit
    from lscp_audit import paths
    from lscp_audit.core.templates.loader import load_template_file

    agency = make_vault(home / "s11-agency.lscp")
    try:
        template = load_template_file(paths.forms_dir() / "section-11-self-assessment.yaml")
        agency.audits.create(replace(completed_audit(template), id="s11-0001"), "test", template_title=template.title)
        IdentityService(agency).create("Ann Completer", "Named Nurse", "Testshire NHS Trust")
        return ReportService(agency, actor="test").export("s11-0001", home / "s11-return.pdf").path
    finally:
        agency.close()


def _pack(home: Path) -> Path:
    """A partnership pack exported by a QA lead's vault (its identity issued by the partnership root)."""
    root = identity_certs.create_partnership_ca("Testshire")
    lead_templates = home / "lead-templates"
    lead_templates.mkdir()
    shutil.copy(MINI_TEMPLATE, lead_templates / "test-mini-audit.yaml")
    lead = make_vault(home / "lead.lscp")
    try:
        IdentityService(lead).create("Testshire QA lead", "QA lead", "Testshire LSCP", issuer=root)
        templates = TemplateService(shipped_dir=home / "none", user_dir=lead_templates)
        partnership = PartnershipService(lead, templates)
        partnership.save_profile(replace(default_profile(), name="Testshire Safeguarding Children Partnership"))
        partnership.create_round(Round(id="r1", title="Neglect MACA autumn", template_id="test-mini-audit"))
        return PackService(lead, templates).export_pack(home / "autumn.lscppack", round_ids=["r1"])
    finally:
        lead.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("atspi")
    started = time.monotonic()
    vault, pdf = _seed(home)
    pack = _pack(home)
    seeded = time.monotonic() - started
    out = home / "report.json"
    env = dict(os.environ, LSCP_AUDIT_HOME=str(home))
    s11 = _s11_return(home)
    walker = [
        SYSTEM_PYTHON,
        str(WALKER),
        sys.executable,
        str(vault),
        PASSPHRASE,
        str(out),
        str(pdf),
        str(pack),
        str(s11),
    ]
    done = subprocess.run(["dbus-run-session", "--", *walker], env=env, capture_output=True, text=True, timeout=170)
    if os.environ.get("ATSPI_KEEP") and out.exists():  # a path: keep the walker's report there to look at
        Path(os.environ["ATSPI_KEEP"]).write_text(out.read_text())
    assert out.exists() and done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(out.read_text())
    result["seconds"] = {"seed": round(seeded, 1), "all": round(time.monotonic() - started, 1)}
    return result


SCREENS = [
    "unlock",
    "audits",
    "new_audit",
    "editor",
    "editor_agency",
    "history",
    "review",
    "override",
    "identifiers",
    "review_complete",
    "sign_export",
    "templates",
    "pack_import",
    "settings_identity",
    "settings_general",
    "settings_partnership",
    "settings_backups",
    "settings_records",
    "inbox",
    "return_view",
    "case_view",
    "rounds",
    "verify",
    "analysis",
    "sign_off",
]
# Containers a screen reader has nothing to say about: the focus should never stop on one.
SILENT = {"filler", "panel", "scroll pane", "split pane", "layered pane", "unknown", "viewport"}


def unnamed(screen: dict[str, Any]) -> list[str]:
    """Interactive or focusable nodes without a name. A table cell may be blank: its name is the
    value, and the column header says what it is."""
    return [
        f"{n['role']} at {n['path']}"
        for n in screen["nodes"]
        if (n["interactive"] or n["focusable"]) and not n["name"].strip() and n["role"] != "table cell"
    ]


def tab_problems(screen: dict[str, Any]) -> list[str]:
    """Every Tab stop is reached, each once, before the sequence starts again, and Tab never
    stops on a container with nothing to say."""
    nodes = {tuple(n["path"]): n for n in screen["nodes"]}
    stops = {tuple(n["path"]) for n in screen["nodes"] if n["interactive"] and n["focusable"]}
    radios = [p for p in stops if nodes[p]["role"] == "radio button"]
    sequence = [tuple(p) for p in screen["tabs"] if p is not None]
    # Focus on a list item or a cell counts for its list or table.
    stops_hit = [next((p[:i] for i in range(len(p), 0, -1) if p[:i] in stops), p) for p in sequence]
    problems = [f"Tab found no focus {screen['tabs'].count(None)} times"] if None in screen["tabs"] else []
    for path in dict.fromkeys(stops_hit):
        node = nodes.get(path)
        if node is None or path in stops:
            continue
        # A named area of text only (no control inside) is a stop so the keyboard can scroll it;
        # an area around controls is not (Tab goes to the controls), nor anything unnamed.
        holds_controls = any(p[: len(path)] == path and p != path for p in stops)
        if not node["name"].strip() or (node["role"] in SILENT and holds_controls):
            problems.append(f"Tab stops on a {node['role']} {node['name']!r} with nothing to say at {list(path)}")
    first = stops_hit[0] if stops_hit else None
    cycle = stops_hit[: stops_hit.index(first, 1)] if first is not None and first in stops_hit[1:] else stops_hit
    if len(set(cycle)) != len(cycle):
        problems.append(f"Tab comes back to an earlier control before the end: {[describe(nodes, p) for p in cycle]}")
    groups = {p[:-1] for p in radios}  # one Tab stop per group of radio buttons (arrows move inside)
    for path in sorted(stops - set(radios)):
        if path not in cycle:
            problems.append(f"Tab never reaches {describe(nodes, path)}")
    for group in groups:
        if not any(p[:-1] == group for p in cycle if nodes.get(p, {}).get("role") == "radio button"):
            problems.append(f"Tab never reaches the radio buttons under {list(group)}")
    return problems


def describe(nodes: dict[tuple[int, ...], dict[str, Any]], path: tuple[int, ...]) -> str:
    node = nodes.get(path)
    return f"{node['role']} {node['name']!r}" if node is not None else str(list(path))


def tab_sequence(screen: dict[str, Any]) -> list[str]:
    """The names of the Tab stops in the order Tab visits them (a cell or item counts for its table or list)."""
    nodes = {tuple(n["path"]): n for n in screen["nodes"]}
    names = []
    for path in screen["tabs"]:
        if path is None:
            continue
        at = next(
            (tuple(path[:i]) for i in range(len(path), 0, -1) if nodes.get(tuple(path[:i]), {}).get("interactive")),
            tuple(path),
        )
        names.append(nodes[at]["name"] if at in nodes else "")
    return names


def choice_problems(screen: dict[str, Any]) -> list[str]:
    """A radio button or check box that belongs to a group must be named "<question>: <option>",
    the question being the text of a label on the same screen (so the screen reader says which
    question the option answers, not only "Yes"). A check box on its own may carry its own name."""
    labels = {n["name"].removesuffix("(required)").rstrip(" :*") for n in screen["nodes"] if n["role"] == "label"}
    by_parent: dict[tuple[int, ...], list[dict[str, Any]]] = {}
    for node in screen["nodes"]:
        if node["role"] in ("radio button", "check box"):
            by_parent.setdefault(tuple(node["path"][:-1]), []).append(node)
    problems = []
    for siblings in by_parent.values():
        grouped = [n for n in siblings if n["role"] == "radio button"] or (siblings if len(siblings) > 1 else [])
        for node in grouped:
            question, _, option = node["name"].partition(": ")
            if not (option and question in labels):
                problems.append(f"{node['role']} {node['name']!r} does not say its question")
    return problems


def disabled_without_reason(screen: dict[str, Any]) -> list[str]:
    """A disabled control must say (its description, also its tooltip) why it cannot be used."""
    return [
        f"{n['role']} {n['name']!r}"
        for n in screen["nodes"]
        if n["interactive"] and not n["enabled"] and not n["description"].strip()
    ]


@pytest.mark.parametrize("screen", SCREENS)
def test_every_control_is_named_and_reached_by_tab(report: dict[str, Any], screen: str) -> None:
    assert unnamed(report[screen]) == []
    assert tab_problems(report[screen]) == []


@pytest.mark.parametrize("screen", SCREENS)
def test_choices_say_their_question_and_disabled_controls_say_why(report: dict[str, Any], screen: str) -> None:
    assert choice_problems(report[screen]) == []
    assert disabled_without_reason(report[screen]) == []


def test_editor_covers_every_question_type(report: dict[str, Any]) -> None:
    roles = {n["role"] for n in report["editor"]["nodes"] if n["interactive"]}
    names = {n["name"] for n in report["editor"]["nodes"] if n["interactive"]}
    assert {"radio button", "check box", "text", "table", "push button"} <= roles
    for question in (
        "Was the referral made within one working day?: Yes",  # yes/no
        "Why was the referral late?",  # long text, shown by the "no" answer
        "Who made the referral?: Police",  # choice
        "Which assessments were completed?: Section 47 enquiry",  # multi-choice
        "Quality of the initial response: Good",  # grade, with its evidence box
        "Quality of the initial response: evidence",
        "Overall risk management: Amber",  # RAG
        "Lead professional's role",  # short text
        "Date of the strategy discussion",  # date, with its calendar button
        "Date of the strategy discussion: choose from a calendar",
        "Number of agencies at the strategy discussion",  # number
        "Actions agreed",  # the SMART actions table
    ):
        assert question in names


def test_editor_tab_order_follows_the_panes(report: dict[str, Any]) -> None:
    """Sections, then the questions, then the guidance beside them (left to right)."""
    order = tab_sequence(report["editor"])
    start = order.index("Sections")
    order = order[start:] + order[:start]
    assert order.index("Review and complete") < order.index("Was the referral made within one working day?: No")
    assert order.index("Actions agreed: remove the selected action") < order.index("Guidance")


def test_agency_tabs_sit_in_a_named_group(report: dict[str, Any]) -> None:
    nodes = {tuple(n["path"]): n for n in report["editor_agency"]["nodes"]}
    [strip] = [n for n in nodes.values() if n["role"] == "page tab list"]
    assert nodes[tuple(strip["path"][:-1])]["name"] == "Agencies"
    assert [n["name"] for n in nodes.values() if n["role"] == "page tab"] == ["Police", "Health"]
    assert "Answers for: Police" in {n["name"] for n in nodes.values()}


@pytest.mark.parametrize("screen", ["audits", "editor", "settings_identity", "inbox"])
def test_menu_bar_tab_strips_and_dividers_are_named(report: dict[str, Any], screen: str) -> None:
    nodes = {tuple(n["path"]): n for n in report[screen]["nodes"]}
    assert [n["name"] for n in nodes.values() if n["role"] == "menu bar"] == ["Menu bar"]
    dividers = [n["name"] for n in nodes.values() if n["name"].startswith("Divider")]
    assert "Divider between Areas and the page" in dividers
    for strip in (n for n in nodes.values() if n["role"] == "page tab list"):
        assert nodes[tuple(strip["path"][:-1])]["name"], f"the tab strip {strip['name']!r} is in no named group"


def test_radio_groups_are_entered_at_the_chosen_option(report: dict[str, Any]) -> None:
    nodes = {tuple(n["path"]): n for n in report["editor"]["nodes"]}
    stops = [
        nodes[tuple(p)] for p in report["editor"]["tabs"] if p and nodes.get(tuple(p), {}).get("role") == "radio button"
    ]
    assert "Was the referral made within one working day?: No" in [n["name"] for n in stops]  # the saved answer
    for stop in stops:
        group = [n for n in nodes.values() if n["role"] == "radio button" and n["path"][:-1] == stop["path"][:-1]]
        assert stop["checked"] or not any(n["checked"] for n in group), stop["name"]


def test_review_tab_order_follows_the_page(report: dict[str, Any]) -> None:
    """Missing answers, the judgements' overrides, then Complete, top to bottom."""
    order = tab_sequence(report["review"])
    start = order.index("Areas")
    order = order[start:] + order[:start]
    assert order.index("Missing answers") < order.index("Override the judgement: The case")
    assert order.index("Override the judgement: Overall judgement") < order.index("Complete audit")
    [sign] = [n for n in report["review"]["nodes"] if n["name"] == "Sign and export…"]
    assert not sign["enabled"] and "complete" in sign["description"].lower()


def test_saved_is_read_out(report: dict[str, Any]) -> None:
    assert report["autosave"]["before"] == ["Autosave status"]
    assert report["autosave"]["after"].startswith("Saved")


def test_inbox_import_message_is_read_out(report: dict[str, Any]) -> None:
    assert report["inbox_import"]["after"] != report["inbox_import"]["before"][0]
    assert report["inbox_import"]["after"] == "1 imported."
    tables = {n["name"] for n in report["inbox"]["nodes"] if n["role"] == "table"}
    assert {"Import results", "Trusted returns"} <= tables
    cells = [n["name"] for n in report["inbox"]["nodes"] if n["role"] == "table cell"]
    assert any("R-" in name for name in cells)  # the imported return is listed


def test_every_screen_was_read_in_under_a_minute(report: dict[str, Any]) -> None:
    """The vault made, the app started, every screen read and Tab pressed through it, the app
    stopped: under a minute on a machine with a core to spare; a machine busier than its cores
    gets proportionally longer (the walk mostly waits for the app to move the focus)."""
    assert "error" not in report
    assert not report["slow"], report["slow"]  # a key that moved nothing cost a whole timeout
    busy = max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    assert report["seconds"]["all"] < 60 * busy, (report["seconds"], report["steps"], f"load x{busy:.1f}")


def test_unlock_radio_buttons_say_their_group(report: dict[str, Any]) -> None:
    radios = [n["name"] for n in report["unlock"]["nodes"] if n["role"] == "radio button"]
    assert radios == ["Unlock with: Passphrase", "Unlock with: Recovery key"]


def test_unlock_buttons_follow_the_shown_order(report: dict[str, Any]) -> None:
    nodes = {tuple(n["path"]): n for n in report["unlock"]["nodes"]}
    buttons = [
        nodes[tuple(p)]["name"] for p in report["unlock"]["tabs"] if p and nodes[tuple(p)]["role"] == "push button"
    ]
    in_row = [n for n in report["unlock"]["nodes"] if n["role"] == "push button" and n["focusable"]]
    shown = [n["name"] for n in sorted(in_row, key=lambda n: (n["y"], n["x"]))]
    assert buttons[: len(shown)] == shown


def test_unlock_problem_is_read_out(report: dict[str, Any]) -> None:
    def problem(screen: str) -> str:
        [label] = [n for n in report[screen]["nodes"] if n["description"] == "Unlock problem"]
        return str(label["name"])

    assert problem("unlock") == "Unlock problem"
    assert "does not unlock this vault" in problem("unlock_wrong")
