#!/usr/bin/env bash
# Check a Linux bundle folder: every shared library its ELF files need resolves (inside the
# bundle or on this system), and nothing the lean build drops has crept back in.
# Usage: packaging/check-bundle.sh BUNDLE_DIR
set -euo pipefail
bundle=${1:?usage: packaging/check-bundle.sh BUNDLE_DIR}
status=0
while IFS= read -r -d '' file; do
    if head -c 4 "$file" | grep -q 'ELF'; then
        missing=$(ldd "$file" 2>/dev/null | grep 'not found' || true)
        if [ -n "$missing" ]; then
            echo "check-bundle: ${file#"$bundle"/} needs a library that is not there:" >&2
            echo "$missing" >&2
            status=1
        fi
    fi
done < <(find "$bundle" -type f \( -name '*.so*' -o -perm -u+x \) -print0)
unwanted=$(find "$bundle" \( -name 'libgtk-3*' -o -name 'libqgtk3*' -o -name 'libQt6Qml*' -o -name 'libQt6Quick*' \
    -o -name 'libQt6Network*' -o -name 'QtNetwork*' -o -path '*/translations/*' -o -name '_tkinter*' \) -print)
if [ -n "$unwanted" ]; then
    echo "check-bundle: parts the lean build excludes are in the bundle:" >&2
    echo "$unwanted" >&2
    status=1
fi
[ "$status" = 0 ] && echo "check-bundle: all libraries resolve; no excluded parts"
exit "$status"
