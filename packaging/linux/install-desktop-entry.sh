#!/usr/bin/env sh
# Add LSCP Audit from this unpacked folder to your desktop's application menu (for you only).
# Run it again after moving the folder; remove the entry with: ./install-desktop-entry.sh --remove
set -eu
here=$(cd "$(dirname "$0")" && pwd)
apps=${XDG_DATA_HOME:-$HOME/.local/share}/applications
icons=${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/scalable/apps
if [ "${1:-}" = "--remove" ]; then
    rm -f "$apps/lscp-audit.desktop" "$icons/lscp-audit.svg"
    echo "Removed LSCP Audit from the application menu."
    exit 0
fi
mkdir -p "$apps" "$icons"
cp "$here/lscp-audit.svg" "$icons/lscp-audit.svg"
sed "s|^Exec=lscp-audit\$|Exec=\"$here/lscp-audit\"|" "$here/lscp-audit.desktop" >"$apps/lscp-audit.desktop"
echo "Added LSCP Audit to the application menu (runs $here/lscp-audit)."
