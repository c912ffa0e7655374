#!/usr/bin/env bash
# Smoke-test an installed LSCP Audit, run from a scratch folder outside the checkout: every CLI
# group is present, the shipped templates are all listed, a demo vault is built with signed
# reports, one audit is exported and verified against its signer, and the GUI starts offscreen
# (and, on Linux with xvfb-run, on an X display) and exits. The same script checks the wheel (CI), the Linux bundle and .deb (make package) and
# the Windows and macOS bundles (.github/workflows/installers.yml).
#
# Usage: packaging/smoke.sh CLI [GUI]
#   CLI  the console command, e.g. /tmp/venv/bin/lscp-audit or dist/lscp-audit-0.1.0/lscp-audit-cli
#   GUI  the desktop command (default: CLI), e.g. the bundle's windowed lscp-audit
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cli=${1:?usage: packaging/smoke.sh CLI [GUI]}
gui=${2:-$cli}
absolute() { case "$1" in /* | [A-Za-z]:*) echo "$1" ;; */*) echo "$PWD/$1" ;; *) echo "$1" ;; esac; }
cli=$(absolute "$cli")
gui=$(absolute "$gui")
expected=$(find "$here/../forms" -maxdepth 1 -name '*.yaml' | wc -l | tr -d ' ')

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
if command -v cygpath >/dev/null; then work=$(cygpath -m "$work"); fi  # Git Bash: C:/... for Windows programs
export LSCP_AUDIT_HOME="$work/home" LSCP_AUDIT_PASSPHRASE="smoke test passphrase 2026"
step() { echo "== smoke: $*"; }

step "version and command groups"
"$cli" --version
for group in templates vault identity audit demo export verify inbox; do
    "$cli" "$group" --help >/dev/null
done

step "templates list (expecting $expected)"
"$cli" templates list
listed=$("$cli" templates list --json | grep -c '"id"' || true)
if [ "$listed" != "$expected" ]; then
    echo "smoke: templates list shows $listed templates, expected $expected" >&2
    exit 1
fi

step "demo vault with signed reports"
"$cli" demo --vault "$work/demo.lscp" --quiet
"$cli" verify "$work"/*reports/*.pdf >/dev/null

step "QA inbox: every demo return's printed judgement read (PDFium) and matching its data"
"$cli" inbox list --vault "$work/demo.lscp" --no-keychain --json >"$work/inbox.json"
returns=$(grep -c '"report_id"' "$work/inbox.json" || true)
matched=$(grep -c '"judgement_check": "match"' "$work/inbox.json" || true)
if [ "$returns" = 0 ] || [ "$matched" != "$returns" ]; then
    echo "smoke: $matched of $returns inbox returns have their printed judgement checked (PDFium missing?)" >&2
    exit 1
fi

step "export and verify one audit"
"$cli" audit list --vault "$work/demo.lscp" --no-keychain --status complete --limit 1 --json >"$work/audits.json"
audit=$(grep -m1 '"id"' "$work/audits.json" | sed -E 's/.*"id": "([^"]+)".*/\1/')
"$cli" export --vault "$work/demo.lscp" --no-keychain "$audit" --out "$work/report.pdf"
"$cli" identity export-cert --vault "$work/demo.lscp" --no-keychain --out "$work/signer.pem" >/dev/null
"$cli" verify --trust "$work/signer.pem" "$work/report.pdf"

step "GUI offscreen"
QT_QPA_PLATFORM=offscreen "$gui" gui --quit-after 2
if [ "$(uname -s)" = Linux ] && command -v xvfb-run >/dev/null; then
    step "GUI on an X display (Xvfb: Qt's xcb plugin with the system's libraries)"
    env -u QT_QPA_PLATFORM -u WAYLAND_DISPLAY xvfb-run -a "$gui" gui --quit-after 2
fi
echo "smoke test passed"
