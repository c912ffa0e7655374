"""QA inbox screens: the imported returns table, import with progress and a per-file summary.

- `ImportedReturnsWidget(inbox, parent=None)`: "Import signed PDFs…" (and drag and drop), "Trust a
  certificate…", "Remove from inbox…", a filterable table of returns; signals
  ``files_imported(list)`` (the `InboxImportResult` list) and ``return_removed(str)``.
- `ReturnsTableModel` over `InboxEntry` DTOs and `ImportResultsModel` over `InboxImportResult`.
"""

from lscp_audit.ui.inbox.import_results_model import ImportResultsModel
from lscp_audit.ui.inbox.returns_model import ReturnsSortProxyModel, ReturnsTableModel
from lscp_audit.ui.inbox.returns_widget import ImportedReturnsWidget

__all__ = ["ImportResultsModel", "ImportedReturnsWidget", "ReturnsSortProxyModel", "ReturnsTableModel"]
