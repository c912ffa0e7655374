"""Report screens: "Sign and export" and "Verify a PDF".

Public classes (wired into the main window elsewhere):

- `SignExportDialog(report_service, audit_id, parent=None, *, directory=None)`: preview of the
  first page, full/compact, optional password encryption, signature reason, destination; runs
  the export off the GUI thread with progress and Cancel; signal ``exported(ExportResult)``.
- `VerifyPage(parent=None, *, verify=None)`: a page (QWidget) that accepts dropped PDF files
  (or "Choose PDFs…") and trusted certificates, and lists each file's verdict; signal
  ``verified(list)``. `VerifyDialog(parent=None, *, verify=None)` wraps it in a dialog so it can be
  opened from anywhere. ``verify`` defaults to `report_service.verify_files` (no vault needed);
  pass ``ReportService(vault).verify`` to trust the vault's certificates.
- `preview.render_first_page(pdf_bytes, dpi)` -> PNG bytes or None (needs poppler's pdftoppm;
  the dialog degrades to a text summary without it).
"""

from lscp_audit.ui.reports.sign_export_dialog import SignExportDialog
from lscp_audit.ui.reports.verify_page import VerifyDialog, VerifyPage

__all__ = ["SignExportDialog", "VerifyDialog", "VerifyPage"]
