#!/usr/bin/env bash
# Print the .deb's Depends: the system libraries the bundle's ELF files load from outside the
# bundle, mapped to their Debian packages with dpkg-shlibdeps (run on the build machine).
set -euo pipefail
bundle=$(cd "${1:?usage: depends.sh BUNDLE_DIR}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debian"
printf 'Source: lscp-audit\n\nPackage: lscp-audit\nArchitecture: any\n' >"$work/debian/control"
mapfile -d '' elves < <(find "$bundle" -type f \( -name '*.so*' -o -perm -u+x \) -exec sh -c \
    'head -c 4 "$1" | grep -q ELF' _ {} \; -print0)
# Libraries inside the bundle are private: tell dpkg-shlibdeps where they are so it skips them.
libdirs=()
while IFS= read -r dir; do libdirs+=("-l$dir"); done < <(printf '%s\0' "${elves[@]}" | xargs -0 -n1 dirname | sort -u)
args=()
for f in "${elves[@]}"; do args+=("-e$f"); done
(cd "$work" && dpkg-shlibdeps -O --ignore-missing-info --warnings=0 "${libdirs[@]}" "${args[@]}" 2>/dev/null) \
    | sed -n 's/^shlibs:Depends=//p'
