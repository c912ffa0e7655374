"""Signing identities and trusted certificates (``identities``, ``trusted_certificates``).

``vault.identities``: ``add(identity)``, ``get(id)``, ``list()``, ``default()``,
``set_default(id)``, ``delete(id)``. ``vault.trusted_certs``: ``add(cert)``,
``list(purpose=None)`` (``signer`` or ``moderator``; None for both), ``delete(id)``. Private keys live only inside the encrypted vault.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lscp_audit.core.errors import NotFound
from lscp_audit.core.identity import SigningIdentity, TrustedCertificate
from lscp_audit.storage.repositories.context import RepoContext
from lscp_audit.storage.schema import IdentityRow, TrustedCertificateRow


def _to_identity(row: IdentityRow) -> SigningIdentity:
    return SigningIdentity(
        id=row.id,
        name=row.name,
        role=row.role,
        agency=row.agency,
        email=row.email,
        certificate_pem=row.certificate_pem,
        private_key_pem=row.private_key_pem,
        created_at=row.created_at,
        is_default=bool(row.is_default),
    )


class IdentityRepository:
    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def add(self, identity: SigningIdentity) -> SigningIdentity:
        created = identity.created_at or self._ctx.clock()

        def work(session: Session) -> None:
            if identity.is_default:
                session.execute(sa.update(IdentityRow).values(is_default=0))
            session.add(
                IdentityRow(
                    id=identity.id,
                    name=identity.name,
                    role=identity.role,
                    agency=identity.agency,
                    email=identity.email,
                    certificate_pem=identity.certificate_pem,
                    private_key_pem=identity.private_key_pem,
                    created_at=created,
                    is_default=int(identity.is_default),
                )
            )

        self._ctx.writer.run(work)
        return self.get(identity.id)

    def get(self, identity_id: str) -> SigningIdentity:
        with self._ctx.read() as session:
            row = session.get(IdentityRow, identity_id)
            if row is None:
                raise NotFound(f"No signing identity with id {identity_id} is in the vault.")
            return _to_identity(row)

    def list(self) -> list[SigningIdentity]:
        with self._ctx.read() as session:
            return [_to_identity(r) for r in session.scalars(sa.select(IdentityRow).order_by(IdentityRow.created_at))]

    def default(self) -> SigningIdentity | None:
        with self._ctx.read() as session:
            row = session.scalars(sa.select(IdentityRow).where(IdentityRow.is_default == 1)).first()
            return _to_identity(row) if row else None

    def set_default(self, identity_id: str) -> None:
        def work(session: Session) -> None:
            if session.get(IdentityRow, identity_id) is None:
                raise NotFound(f"No signing identity with id {identity_id} is in the vault.")
            session.execute(sa.update(IdentityRow).values(is_default=0))
            session.execute(sa.update(IdentityRow).where(IdentityRow.id == identity_id).values(is_default=1))

        self._ctx.writer.run(work)

    def delete(self, identity_id: str) -> None:
        self._ctx.writer.run(lambda s: s.execute(sa.delete(IdentityRow).where(IdentityRow.id == identity_id)))


class TrustedCertificateRepository:
    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def add(self, cert: TrustedCertificate) -> TrustedCertificate:
        added = cert.added_at or self._ctx.clock()
        row = TrustedCertificateRow(
            id=cert.id, label=cert.label, certificate_pem=cert.certificate_pem, added_at=added, purpose=cert.purpose
        )
        self._ctx.writer.run(lambda s: s.add(row))
        return TrustedCertificate(cert.id, cert.label, cert.certificate_pem, added, cert.purpose)

    def list(self, purpose: str | None = None) -> list[TrustedCertificate]:
        """Trusted certificates in the order added; `purpose` keeps only ``signer`` or ``moderator`` ones."""
        query = sa.select(TrustedCertificateRow).order_by(TrustedCertificateRow.added_at)
        if purpose is not None:
            query = query.where(TrustedCertificateRow.purpose == purpose)
        with self._ctx.read() as session:
            rows = session.scalars(query)
            return [TrustedCertificate(r.id, r.label, r.certificate_pem, r.added_at, r.purpose) for r in rows]

    def delete(self, cert_id: str) -> None:
        self._ctx.writer.run(
            lambda s: s.execute(sa.delete(TrustedCertificateRow).where(TrustedCertificateRow.id == cert_id))
        )
