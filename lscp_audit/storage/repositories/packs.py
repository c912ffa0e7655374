"""Installed partnership packs and the pinned partnership root (``settings`` rows, plus the
certificates a pack trusts in ``trusted_certificates``).

``vault.packs``: ``pinned_root()``, ``installed()``, and ``install(...)``, which writes the pin,
the pack record, the pack's certificates and anything else the caller adds (``extra``: the
partnership profile and rounds) in **one** transaction on the writer: either all of it is in
the vault afterwards or none of it is.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lscp_audit.core.identity import TrustedCertificate
from lscp_audit.core.pack_format import InstalledPack, PinnedRoot
from lscp_audit.storage.repositories.context import RepoContext, dumps
from lscp_audit.storage.schema import SettingRow, TrustedCertificateRow

PIN_KEY = "partnership.pack_root"
INSTALLED_KEY = "partnership.packs"


def _pin(value: Any) -> PinnedRoot | None:
    if not isinstance(value, dict):
        return None
    try:
        return PinnedRoot(**{f.name: str(value[f.name]) for f in dataclasses.fields(PinnedRoot)})
    except KeyError:
        return None


def _record(value: Any) -> InstalledPack | None:
    if not isinstance(value, dict):
        return None
    try:
        return InstalledPack(
            pack_id=str(value["pack_id"]),
            partnership=str(value["partnership"]),
            issued_at=str(value["issued_at"]),
            installed_at=str(value["installed_at"]),
            signer=str(value["signer"]),
            signer_fingerprint=str(value["signer_fingerprint"]),
            root_fingerprint=str(value["root_fingerprint"]),
            templates=tuple(str(t) for t in value.get("templates", ())),
            rounds=tuple(str(r) for r in value.get("rounds", ())),
            manifest_sha256=str(value.get("manifest_sha256", "")),
        )
    except KeyError:
        return None


def _set(session: Session, key: str, value: Any, now: str) -> None:
    text = dumps(value)
    row = session.get(SettingRow, key)
    if row is None:
        session.add(SettingRow(key=key, value=text, updated_at=now))
    else:
        row.value = text
        row.updated_at = now


class PackRepository:
    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def _setting(self, key: str) -> Any:
        with self._ctx.read() as session:
            row = session.get(SettingRow, key)
            return json.loads(row.value) if row else None

    def pinned_root(self) -> PinnedRoot | None:
        return _pin(self._setting(PIN_KEY))

    def installed(self) -> list[InstalledPack]:
        """Installed packs, oldest first."""
        value = self._setting(INSTALLED_KEY)
        records = [_record(v) for v in value] if isinstance(value, list) else []
        return [r for r in records if r is not None]

    def install(
        self,
        record: InstalledPack,
        *,
        pin: PinnedRoot | None,
        certificates: Sequence[TrustedCertificate],
        settings: Mapping[str, Any] | None = None,
        extra: Callable[[Session], None] | None = None,
        replace_purpose: str | None = None,
    ) -> None:
        """Record `record`, pin `pin` (when given), add `certificates`, set `settings` (key ->
        JSON value) and run `extra(session)`, all in one transaction; an exception anywhere rolls
        every part back. `replace_purpose` first removes every trusted certificate of that purpose
        (a pack naming the QA subgroup's current sealing recipients replaces the earlier ones)."""
        now = self._ctx.clock()

        def work(session: Session) -> None:
            if pin is not None:
                if session.get(SettingRow, PIN_KEY) is not None:
                    raise ValueError("a partnership root is already pinned")
                _set(session, PIN_KEY, dataclasses.asdict(pin), now)
            row = session.get(SettingRow, INSTALLED_KEY)
            existing = json.loads(row.value) if row else []
            if not isinstance(existing, list):
                existing = []
            existing.append(dataclasses.asdict(record))
            _set(session, INSTALLED_KEY, existing, now)
            if replace_purpose is not None:
                session.execute(
                    sa.delete(TrustedCertificateRow).where(TrustedCertificateRow.purpose == replace_purpose)
                )
            for cert in certificates:
                session.add(
                    TrustedCertificateRow(
                        id=cert.id,
                        label=cert.label,
                        certificate_pem=cert.certificate_pem,
                        added_at=cert.added_at or now,
                        purpose=cert.purpose,
                    )
                )
            for key, value in (settings or {}).items():
                _set(session, key, value, now)
            if extra is not None:
                extra(session)
            session.flush()

        self._ctx.writer.run(work)
