"""The services of one unlocked vault, built once after unlock and dropped on lock.

Imports of the service layer happen here, after the window is shown, so start-up stays fast;
the annotations name the real service classes so a type checker sees every use.
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

from lscp_audit.core.audit import Auditor

if TYPE_CHECKING:
    from lscp_audit.core.templates.model import Template
    from lscp_audit.services.analysis_service import AnalysisService
    from lscp_audit.services.audit_service import AuditService
    from lscp_audit.services.identity_service import IdentityService
    from lscp_audit.services.inbox_service import InboxService
    from lscp_audit.services.pack_service import PackService
    from lscp_audit.services.partnership_service import PartnershipService
    from lscp_audit.services.records_service import RecordsService
    from lscp_audit.services.report_service import ReportService
    from lscp_audit.services.returns_service import ReturnsService
    from lscp_audit.services.settings_service import PersonalDetails, SettingsService
    from lscp_audit.services.template_service import TemplateService
    from lscp_audit.services.vault_service import VaultService


class AppSession:
    """The open vault's services: `vault_service` (unlocked), `audits`, `templates`, `settings`,
    `identities`, and `reports()` / `inbox()` / `returns()` for the report and QA inbox features.

    `actor` is who the change history records: the user's own name from Settings, else the
    name on their signing identity, else their computer account name.
    """

    def __init__(self, vault_service: VaultService, templates: TemplateService | None = None) -> None:
        from lscp_audit.services.audit_service import AuditService
        from lscp_audit.services.identity_service import IdentityService
        from lscp_audit.services.settings_service import SettingsService
        from lscp_audit.services.template_service import TemplateService

        self.vault_service: VaultService = vault_service
        self.templates: TemplateService = templates if templates is not None else TemplateService()
        self.settings: SettingsService = SettingsService(vault_service.vault)
        self.identities: IdentityService = IdentityService(vault_service.vault)
        self.actor: str = self._actor()
        self.audits: AuditService = AuditService.for_vault(vault_service.vault, self.templates, actor=self.actor)

    def display_name(self) -> str:
        """The user's name from Settings, else the name on their signing identity, else empty."""
        name = self.personal().name
        if name:
            return name
        identity = self.identities.default()
        return identity.name if identity is not None else ""

    def _actor(self) -> str:
        name = self.display_name()
        if name:
            return name
        try:
            return getpass.getuser()
        except (OSError, KeyError):
            return "auditor"

    def refresh_actor(self) -> None:
        """After the user's name or signing identity changed: later changes are recorded under it."""
        self.actor = self._actor()
        self.audits.actor = self.actor

    @property
    def is_demo(self) -> bool:
        return self.settings.is_demo

    def personal(self) -> PersonalDetails:
        """The user's own name, role and agency (Settings → Identity), used as defaults everywhere."""
        return self.settings.personal()

    def auditor(self) -> Auditor:
        """The person using the app, for the auditor fields of a new audit."""
        me = self.personal()
        return Auditor(name=self.display_name(), role=me.role, agency=me.agency)

    def reports(self) -> ReportService:
        """The report service (sign, export, verify), recording exports as `actor`."""
        from lscp_audit.services.report_service import ReportService

        return ReportService(self.vault_service.vault, actor=self.actor)

    def records(self) -> RecordsService:
        """Retention, legal holds, the export log and subject access, recorded as `actor`."""
        from lscp_audit.services.records_service import RecordsService

        return RecordsService(self.vault_service, lambda: self.actor)

    def inbox(self) -> InboxService:
        from lscp_audit.services.inbox_service import InboxService

        return InboxService(self.vault_service.vault)

    def analysis(self) -> AnalysisService:
        """The partnership analysis of the trusted returns, recording its files in the export log."""
        from lscp_audit.services.analysis_service import AnalysisService

        return AnalysisService(self.vault_service.vault, records=self.records())

    def returns(self) -> ReturnsService:
        """Open returns read-only, save copies of their PDFs, and the multi-agency case view
        (with this session's installed templates)."""
        from lscp_audit.services.moderation_service import ModerationService
        from lscp_audit.services.returns_service import ReturnsService

        vault = self.vault_service.vault
        return ReturnsService(
            vault, self.templates, actor=self.actor, moderation=ModerationService(vault, actor=self.actor).lines_for
        )

    def packs(self) -> PackService:
        """Partnership packs: installed into this vault and the session's template folders."""
        from lscp_audit.services.pack_service import PackService

        return PackService(self.vault_service.vault, self.templates, actor=self.actor)

    def template(self, template_id: str) -> Template:
        """The template a new audit would use: its partnership lists are this vault's."""
        return self.audits.template(template_id)

    def partnership(self) -> PartnershipService:
        """The partnership profile and audit rounds of this vault."""
        from lscp_audit.services.partnership_service import PartnershipService

        return PartnershipService(self.vault_service.vault, self.templates)

    def lock(self) -> None:
        self.vault_service.lock()
