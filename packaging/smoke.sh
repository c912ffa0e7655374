#!/usr/bin/env bash
# Smoke-test a PyInstaller bundle: every CLI group is present, templates load, a demo vault is
# built with signed reports, they verify, and the GUI starts and exits offscreen.
# Usage: packaging/smoke.sh dist/lscp-audit-<version>
set -euo pipefail
bundle=${1:?usage: packaging/smoke.sh BUNDLE_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LSCP_AUDIT_HOME="$work/home" HOME="$work/home" LSCP_AUDIT_PASSPHRASE="smoke test passphrase 2026"
cli="$bundle/lscp-audit-cli"
"$cli" --version
for group in templates vault identity audit demo export verify inbox; do
    "$cli" "$group" --help >/dev/null
done
"$cli" templates list
"$cli" demo --vault "$work/demo.lscp" >/dev/null
"$cli" verify "$work"/*reports/*.pdf
QT_QPA_PLATFORM=offscreen "$bundle/lscp-audit" gui --quit-after 1
echo "smoke test passed"
