"""The frame both HTML reports share (the case report and the partnership's aggregate report):
one self-contained page with `lang="en-GB"`, no scripts or external resources, the protective
marking above and below the content, and a closing line saying that the HTML is not signed and
which signed PDF is the record."""

from __future__ import annotations

from html import escape

BASE_CSS = """
body { font-family: "DejaVu Sans", Verdana, sans-serif; color: #1a1a1f; background: #fff;
       max-width: 62rem; margin: 0 auto; padding: 1rem; line-height: 1.5; }
.marking { color: #8c0d0d; font-weight: bold; text-align: center; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #bfc4cc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
thead th, th[scope="row"] { background: #e6ebf2; }
caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
.muted { color: #595966; }
@media print { body { max-width: none; } }
"""


def html_document(
    *, title: str, marking: str, content: list[str], report_id: str, signed_pdf_name: str = "", extra_css: str = ""
) -> str:
    """The whole page: `content` (HTML lines) between the marking lines, then the sign-off
    section. `title`, `marking`, `report_id` and `signed_pdf_name` are plain text."""
    pdf = f" ({escape(signed_pdf_name)})" if signed_pdf_name else ""
    marking_line = f'<p class="marking">{escape(marking)}</p>'
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en-GB">',
                "<head>",
                '<meta charset="utf-8">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>{escape(title)}</title>",
                f"<style>{BASE_CSS}{extra_css}</style>",
                "</head>",
                "<body>",
                f"<header>{marking_line}</header>",
                "<main>",
                *content,
                "<h2>Sign-off</h2>",
                f"<p>This HTML version is <strong>not signed</strong>. The signed PDF of report {escape(report_id)}{pdf} "
                "is the record: check it with <code>lscp-audit verify</code> or the app’s Verify page.</p>",
                "</main>",
                f"<footer>{marking_line}</footer>",
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )
