"""The services of one unlocked vault, built once after unlock and dropped on lock.

Imports of the service layer happen here, after the window is shown, so start-up stays fast.
"""

from __future__ import annotations

from typing import Any

from lscp_audit.core.audit import Auditor


class AppSession:
    """Holds `vault_service` (unlocked), `audits`, `templates` and `settings` services."""

    def __init__(self, vault_service: Any, templates: Any = None) -> None:
        from lscp_audit.services.audit_service import AuditService
        from lscp_audit.services.settings_service import SettingsService
        from lscp_audit.services.template_service import TemplateService

        self.vault_service = vault_service
        self.templates = templates if templates is not None else TemplateService()
        self.settings = SettingsService(vault_service.vault)
        self.audits = AuditService.for_vault(
            vault_service.vault, self.templates, actor=self.auditor().name or "auditor"
        )

    @property
    def is_demo(self) -> bool:
        return bool(self.settings.is_demo)

    def auditor(self) -> Auditor:
        """The person using the app, from the personal defaults in settings."""
        values = self.settings.values()
        return Auditor(name="", role=values.default_role, agency=values.default_agency)

    def template(self, template_id: str) -> Any:
        return self.templates.get(template_id)

    def lock(self) -> None:
        self.vault_service.lock()
