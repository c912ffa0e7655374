"""PartnershipService: the partnership profile and its audit rounds (Qt-free).

The profile (name, localities, agencies register, rounds) lives in the vault; a vault that has
not stored one uses the profile shipped with the app (`PartnershipProfile.is_default`). Every
change is checked first (`lscp_audit.core.partnership`: JSON Schema, then unique codes, known
localities and agencies, real dates) and refused with `PartnershipInvalid` naming each field.

Other services and helpers use:
- `profile()` / `save_profile(profile)` (name and lists; the rounds are kept and re-checked);
- `install_profile(profile, rounds=...)`: a whole profile from elsewhere (a partnership pack),
  its rounds merged into the vault's or replacing them;
- `create_round`, `upsert_round`, `delete_round`, `rounds()`, `round(id)`;
- `round_status(id)`: expected vs received vs outstanding vs overdue for a round, from the QA
  inbox's listing columns (no return's JSON is read; only trusted returns count);
- `profile_to_dict` / `profile_from_dict` (re-exported from the core) for files and packs.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal, Protocol

from lscp_audit.atomic_files import atomic_write_text
from lscp_audit.core.errors import NotFound, ValidationError
from lscp_audit.core.identity import ImportedReturn
from lscp_audit.core.partnership import (
    PartnershipInvalid,
    PartnershipProfile,
    ProfileProblem,
    Round,
    check_round,
    default_profile,
    parse_profile_text,
    profile_from_dict,
    profile_to_dict,
    profile_to_json,
)
from lscp_audit.core.round_status import ReturnFact, RoundStatus, round_status

log = logging.getLogger(__name__)

TRUSTED = "trusted"  # ImportedReturn.verified for a return whose every signature is trusted
RoundsMode = Literal["merge", "replace"]

__all__ = [
    "PartnershipInvalid",
    "PartnershipProfile",
    "PartnershipService",
    "Round",
    "RoundStatus",
    "profile_from_dict",
    "profile_to_dict",
]


class TemplateLookup(Protocol):
    """Where rounds' templates are found: `TemplateService` (`info` raises NotFound)."""

    def info(self, template_id: str) -> Any: ...

    def list_templates(self) -> Sequence[Any]: ...


def checked(profile: PartnershipProfile, file_name: str = "<partnership profile>") -> PartnershipProfile:
    """`profile` checked by the same rules as a file (`PartnershipInvalid` naming each field)."""
    return profile_from_dict(profile_to_dict(profile), file_name)


def _latest(returns: Sequence[ImportedReturn]) -> list[ImportedReturn]:
    """`returns` without any trusted revision that a newer trusted revision among them amends."""
    amended = {r.previous_audit_id for r in returns if r.previous_audit_id and r.verified == TRUSTED}
    return [r for r in returns if not (r.verified == TRUSTED and r.audit_id and r.audit_id in amended)]


def return_fact(item: ImportedReturn) -> ReturnFact:
    """What round tracking reads from an inbox return (listing columns only)."""
    return ReturnFact(
        return_id=item.id,
        report_id=item.report_id,
        trusted=item.verified == TRUSTED,
        locality=item.locality,
        agency=item.return_agency,
        case_reference="" if item.kind == "agency_self_assessment" else item.subject,
        signer=item.signer,
        imported_at=item.imported_at,
    )


class PartnershipService:
    """Use cases over one unlocked vault's partnership profile and rounds.

    Args:
        vault: an unlocked `lscp_audit.storage` vault.
        templates: checks that a round's template exists (optional; `TemplateService`).
        today: today's date (tests pass a fixed one).
    """

    def __init__(
        self,
        vault: Any,
        templates: TemplateLookup | None = None,
        *,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self._vault = vault
        self._templates = templates
        self._today = today

    # -- the profile ------------------------------------------------------------------------

    def profile(self) -> PartnershipProfile:
        """The vault's profile, or the shipped default (`is_default`) when it has none."""
        stored: PartnershipProfile | None = self._vault.partnership.get()
        if stored is not None:
            return stored
        rounds = self._vault.partnership.rounds()
        return replace(default_profile(), rounds=rounds) if rounds else default_profile()

    def save_profile(self, profile: PartnershipProfile) -> PartnershipProfile:
        """Store the name, localities and agencies of `profile`; the vault's rounds are kept and
        must still fit (a locality or agency a round uses cannot be removed)."""
        combined = replace(profile, rounds=self._vault.partnership.rounds())
        good = checked(combined, "partnership profile")
        self._vault.partnership.save_lists(good)
        log.info("partnership profile saved (%d localities, %d agencies)", len(good.localities), len(good.agencies))
        return self.profile()

    def install_profile(
        self, profile: PartnershipProfile | Mapping[str, Any], *, rounds: RoundsMode = "merge", source: str = "<pack>"
    ) -> PartnershipProfile:
        """Install a whole profile from elsewhere (a partnership pack, a file): its name and lists
        replace the vault's; its rounds are added to the vault's, replacing any with the same id
        (``merge``), or become the only rounds (``replace``). Checked as a whole first; nothing
        is stored when it has a problem (`PartnershipInvalid`)."""
        incoming = (
            checked(profile, source) if isinstance(profile, PartnershipProfile) else profile_from_dict(profile, source)
        )
        if rounds == "merge":
            merged = replace(incoming, rounds=self._vault.partnership.rounds())
            for item in incoming.rounds:
                merged = merged.with_round(item)
            incoming = checked(merged, source)
        self._vault.partnership.replace(incoming)
        log.info("partnership profile installed (%d rounds, %s)", len(incoming.rounds), rounds)
        return self.profile()

    def reset_to_default(self) -> PartnershipProfile:
        """Forget the vault's own lists (the rounds are kept if they fit the default)."""
        return self.save_profile(default_profile())

    def import_file(self, path: Path | str, *, rounds: RoundsMode = "merge") -> PartnershipProfile:
        """`install_profile` from a YAML or JSON file; problems name the file and line."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            reason = "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else (exc.strerror or str(exc))
            raise PartnershipInvalid([ProfileProblem(str(path), None, "", f"cannot be read ({reason})")]) from None
        return self.install_profile(parse_profile_text(text, str(path)), rounds=rounds, source=str(path))

    def export_file(self, path: Path | str) -> Path:
        """Write the profile (with its rounds) as JSON to `path`."""
        target = Path(path)
        atomic_write_text(target, profile_to_json(self.profile()) + "\n")
        return target

    # -- rounds -----------------------------------------------------------------------------

    def rounds(self) -> tuple[Round, ...]:
        return self.profile().rounds

    def template_choices(self) -> list[tuple[str, str]]:
        """(id, title) of every template a round can use (empty when no template folder is known)."""
        if self._templates is None:
            return []
        return [(t.id, t.title) for t in self._templates.list_templates()]

    def round(self, round_id: str) -> Round:
        found = self.profile().round(round_id)
        if found is None:
            raise NotFound(f"there is no audit round with id '{round_id}'")
        return found

    def rounds_for(self, template_id: str) -> tuple[Round, ...]:
        return self.profile().rounds_for(template_id)

    def create_round(self, item: Round) -> Round:
        """Add a new round; `PartnershipInvalid` when its id is taken or it breaks a rule."""
        if self.profile().round(item.id) is not None:
            raise PartnershipInvalid(
                [ProfileProblem("round", None, "id", f"a round with id '{item.id}' already exists; choose another id")]
            )
        return self.upsert_round(item)

    def upsert_round(self, item: Round) -> Round:
        """Add `item` or replace the round with its id, after checking it against the profile
        (localities and agencies it names) and, when known, that its template exists (a round
        edited without changing its template keeps it, installed here or not)."""
        profile = self.profile()
        good = check_round(item, profile, f"round '{item.id}'")
        before = profile.round(item.id)
        kept = before is not None and before.template_id == good.template_id
        if good.template_id and self._templates is not None and not kept:
            try:
                self._templates.info(good.template_id)
            except NotFound:
                raise PartnershipInvalid(
                    [
                        ProfileProblem(
                            f"round '{item.id}'", None, "template", f"there is no template '{good.template_id}'"
                        )
                    ]
                ) from None
        if profile.is_default and self._vault.partnership.get() is None:
            self._vault.partnership.save_lists(profile)  # the round is kept with the lists it was checked against
        self._vault.partnership.upsert_round(good)
        log.info("round %s saved", good.id)
        return good

    def delete_round(self, round_id: str) -> None:
        """Delete a round that no return is filed under. Raises `NotFound` for an unknown round
        and `ValidationError` when the inbox holds returns filed under it: their signed data names
        the round, so it is kept (edit its title or deadline instead, or remove those returns)."""
        item = self.round(round_id)
        filed = self._vault.imported_returns.in_round(round_id)
        if filed:
            raise ValidationError(
                [
                    f"the round “{item.label}” cannot be deleted: {len(filed)} return(s) in the inbox are filed under "
                    "it, and their signed data names it. Edit the round instead, or remove those returns from the "
                    "inbox first."
                ]
            )
        self._vault.partnership.delete_round(round_id)
        log.info("round %s deleted", round_id)

    # -- tracking ---------------------------------------------------------------------------

    def round_returns(self, round_id: str) -> list[ImportedReturn]:
        """The inbox's returns filed under the round (trusted and in quarantine), latest
        revision of each audit only; listing columns only."""
        return _latest(self._vault.imported_returns.in_round(round_id))

    def round_status(self, round_id: str, today: dt.date | None = None) -> RoundStatus:
        """Expected vs received vs outstanding vs overdue for the round (only trusted returns
        count as received; returns in quarantine are reported apart)."""
        item = self.round(round_id)
        facts = [return_fact(r) for r in self.round_returns(round_id)]
        return round_status(item, self.profile(), facts, today or self._today())
