"""Who the user is: their own name, role and agency, and the signing identity their reports carry."""

from lscp_audit.ui.identity.identity_page import CreateIdentityDialog, IdentityDialog, IdentityPage

__all__ = ["CreateIdentityDialog", "IdentityDialog", "IdentityPage"]
