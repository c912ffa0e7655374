"""About box: version, purpose and the licences of what the app ships with."""

from __future__ import annotations

from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from lscp_audit import APP_NAME, __version__

THIRD_PARTY = (
    ("Qt for Python (PySide6)", "LGPL-3.0"),
    ("SQLCipher (via sqlcipher3)", "BSD-3-Clause"),
    ("SQLAlchemy", "MIT"),
    ("ReportLab", "BSD-3-Clause"),
    ("pyHanko", "MIT"),
    ("keyring", "MIT"),
    ("cryptography", "Apache-2.0 / BSD-3-Clause"),
    ("PyYAML", "MIT"),
    ("platformdirs", "MIT"),
    ("DejaVu fonts", "Bitstream Vera / public domain (see resources/fonts/LICENSE)"),
)


class AboutDialog(QDialog):
    """Shows the version and third-party licences."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About %1").replace("%1", APP_NAME))
        layout = QVBoxLayout(self)
        heading = QLabel(f"<h2>{APP_NAME}</h2><p>Version {__version__} (Qt {qVersion()})</p>")
        heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(heading)
        blurb = QLabel(
            self.tr(
                "Offline multi-agency case audits and Section 11 self-assessments for Local "
                "Safeguarding Children Partnerships. Audits are kept in an encrypted vault on this "
                "computer and exported as digitally signed PDF reports."
            )
        )
        blurb.setWordWrap(True)
        layout.addWidget(blurb)
        licences = QTextBrowser()
        licences.setAccessibleName(self.tr("Third-party licences"))
        rows = "".join(f"<tr><td>{name}</td><td>{lic}</td></tr>" for name, lic in THIRD_PARTY)
        licences.setHtml(
            "<p><b>Licence:</b> GPL-3.0-or-later</p>"
            "<p><b>Shipped audit templates:</b> the template text is under CC BY 4.0 (Creative Commons "
            "Attribution 4.0 International), separately from the program; see forms/LICENCE for the "
            "attribution line to use when you reuse it.</p>"
            f"<table cellpadding='3'>{rows}</table>"
        )
        layout.addWidget(licences)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(480, 420)
