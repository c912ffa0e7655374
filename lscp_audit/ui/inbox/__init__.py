"""QA inbox screens: the imported returns table, import with progress and a per-file summary.

- `ImportedReturnsWidget(inbox, parent=None)`: "Import signed PDFs…" (and drag and drop), "Trust a
  certificate…", "Trust a moderator…", "Remove from inbox…", a filterable table of trusted
  returns and, apart, the quarantine with "Trust the signer…" (fingerprint shown first), and the
  selected return's signers; signals ``files_imported(list)`` (the `InboxImportResult` list),
  ``return_removed(str)`` and ``trust_changed()``.
- `ReturnsTableModel` over `InboxEntry` DTOs and `ImportResultsModel` over `InboxImportResult`.
"""

from lscp_audit.ui.inbox.import_results_model import ImportResultsModel
from lscp_audit.ui.inbox.returns_model import ReturnsSortProxyModel, ReturnsTableModel
from lscp_audit.ui.inbox.returns_widget import ImportedReturnsWidget

__all__ = ["ImportResultsModel", "ImportedReturnsWidget", "ReturnsSortProxyModel", "ReturnsTableModel"]
