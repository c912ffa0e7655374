"""The partnership profile and its audit rounds (``partnership_profile``, ``partnership_rounds``).

``vault.partnership``: ``get()`` (the stored `PartnershipProfile`, or None when the vault has
none and uses the shipped default), ``save_lists(profile)`` (name, localities and agencies;
rounds untouched), ``upsert_round(round)``, ``delete_round(id)``, ``rounds()`` and
``replace(profile)`` (lists and every round in one transaction). The services check profiles and
rounds before they are stored; this layer only keeps them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lscp_audit.core.partnership import (
    Agency,
    Locality,
    PartnershipProfile,
    Round,
    round_from_data,
    round_to_dict,
)
from lscp_audit.storage.repositories.context import RepoContext, dumps
from lscp_audit.storage.schema import PartnershipProfileRow, PartnershipRoundRow

PROFILE_ROW = 1


def _lists_json(profile: PartnershipProfile) -> str:
    return dumps(
        {
            "localities": [{"code": loc.code, "label": loc.label} for loc in profile.localities],
            "agencies": [{"code": a.code, "label": a.label, "sector": a.sector} for a in profile.agencies],
        }
    )


def _round_values(item: Round, position: int) -> dict[str, Any]:
    return {
        "position": position,
        "template_id": item.template_id,
        "title": item.title,
        "phase": item.phase,
        "period_start": item.period_start,
        "period_end": item.period_end,
        "deadline": item.deadline,
        "round_json": dumps(round_to_dict(item)),
    }


def _to_round(row: PartnershipRoundRow) -> Round:
    return round_from_data(json.loads(row.round_json))


class PartnershipRepository:
    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def get(self) -> PartnershipProfile | None:
        with self._ctx.read() as session:
            row = session.get(PartnershipProfileRow, PROFILE_ROW)
            rounds = tuple(_to_round(r) for r in self._round_rows(session))
            if row is None:
                return None
            lists = json.loads(row.lists_json or "{}")
            return PartnershipProfile(
                name=row.name,
                localities=tuple(Locality(i["code"], i["label"]) for i in lists.get("localities", [])),
                agencies=tuple(
                    Agency(i["code"], i["label"], i.get("sector", "other")) for i in lists.get("agencies", [])
                ),
                rounds=rounds,
            )

    def rounds(self) -> tuple[Round, ...]:
        """Every stored round, in the profile's order."""
        with self._ctx.read() as session:
            return tuple(_to_round(r) for r in self._round_rows(session))

    def save_lists(self, profile: PartnershipProfile) -> None:
        """Store the name, localities and agencies (the rounds stay as they are)."""
        now = self._ctx.clock()
        self._ctx.writer.run(lambda session: self._write_lists(session, profile, now))

    def upsert_round(self, item: Round) -> None:
        """Add `item`, or replace the stored round with its id (keeping its place)."""
        now = self._ctx.clock()

        def work(session: Session) -> None:
            row = session.get(PartnershipRoundRow, item.id)
            if row is None:
                last = session.scalar(sa.select(sa.func.max(PartnershipRoundRow.position)))
                position = 0 if last is None else int(last) + 1
                session.add(
                    PartnershipRoundRow(id=item.id, created_at=now, updated_at=now, **_round_values(item, position))
                )
                return
            for name, value in _round_values(item, row.position).items():
                setattr(row, name, value)
            row.updated_at = now

        self._ctx.writer.run(work)

    def delete_round(self, round_id: str) -> None:
        self._ctx.writer.run(
            lambda session: session.execute(sa.delete(PartnershipRoundRow).where(PartnershipRoundRow.id == round_id))
        )

    def replace(self, profile: PartnershipProfile) -> None:
        """Store `profile` whole: its lists and exactly its rounds, in one transaction."""
        now = self._ctx.clock()
        self._ctx.writer.run(lambda session: self.replace_in(session, profile, now))

    def replace_in(self, session: Session, profile: PartnershipProfile, now: str | None = None) -> None:
        """`replace` inside a transaction the caller runs on the writer (a partnership pack
        installs the profile together with everything else it carries)."""
        now = now or self._ctx.clock()
        self._write_lists(session, profile, now)
        created = {r.id: r.created_at for r in session.scalars(sa.select(PartnershipRoundRow))}
        session.execute(sa.delete(PartnershipRoundRow))
        session.flush()
        session.add_all(
            PartnershipRoundRow(
                id=item.id, created_at=created.get(item.id, now), updated_at=now, **_round_values(item, position)
            )
            for position, item in enumerate(profile.rounds)
        )

    @staticmethod
    def _write_lists(session: Session, profile: PartnershipProfile, now: str) -> None:
        row = session.get(PartnershipProfileRow, PROFILE_ROW)
        if row is None:
            session.add(
                PartnershipProfileRow(
                    id=PROFILE_ROW, name=profile.name, lists_json=_lists_json(profile), updated_at=now
                )
            )
        else:
            row.name = profile.name
            row.lists_json = _lists_json(profile)
            row.updated_at = now

    @staticmethod
    def _round_rows(session: Session) -> Sequence[PartnershipRoundRow]:
        return session.scalars(
            sa.select(PartnershipRoundRow).order_by(PartnershipRoundRow.position, PartnershipRoundRow.id)
        ).all()
