#!/usr/bin/env bash
# Install the .deb with dpkg, run the smoke test on the installed commands, then remove it and
# check that nothing of it is left. Needs root (CI, or: sudo packaging/linux/test-deb.sh FILE.deb).
set -euo pipefail
deb=${1:?usage: packaging/linux/test-deb.sh FILE.deb}
here=$(cd "$(dirname "$0")" && pwd)
if dpkg-query -W -f='${Status}' lscp-audit 2>/dev/null | grep -q "install ok installed"; then
    echo "test-deb: lscp-audit is already installed here; remove it first (dpkg -r lscp-audit)" >&2
    exit 1
fi
echo "== test-deb: dpkg -i $deb"
dpkg -i "$deb"
trap 'dpkg -r lscp-audit >/dev/null 2>&1 || true' EXIT
command -v lscp-audit lscp-audit-cli
test -f /usr/share/applications/lscp-audit.desktop
test -f /usr/share/icons/hicolor/scalable/apps/lscp-audit.svg
if command -v desktop-file-validate >/dev/null; then desktop-file-validate /usr/share/applications/lscp-audit.desktop; fi
"$here/../smoke.sh" /usr/bin/lscp-audit-cli /usr/bin/lscp-audit

echo "== test-deb: dpkg -r lscp-audit"
dpkg -r lscp-audit
trap - EXIT
left=$(ls -d /opt/lscp-audit /usr/bin/lscp-audit /usr/bin/lscp-audit-cli /usr/share/applications/lscp-audit.desktop \
    /usr/share/icons/hicolor/scalable/apps/lscp-audit.svg 2>/dev/null || true)
if [ -n "$left" ]; then
    echo "test-deb: left behind after dpkg -r:" >&2
    echo "$left" >&2
    exit 1
fi
echo "test-deb: installed, started and removed cleanly"
