#!/usr/bin/env bash
# Build the Linux desktop packages from the lock file and smoke-test them (`make package`):
#   dist/lscp_audit-VERSION-py3-none-any.whl      the wheel the bundle is made from
#   dist/lscp-audit-VERSION-linux-ARCH.tar.gz     PyInstaller folder + .desktop file + icon
#   dist/lscp-audit_VERSION_ARCH.deb              the same folder under /opt, built with dpkg-deb
# Needs python3 (3.11+) with venv, dpkg-deb and dpkg-shlibdeps (dpkg-dev); not root.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=$(sed -nE 's/^__version__ = "([^"]+)"/\1/p' lscp_audit/__init__.py)
arch=$(dpkg --print-architecture)
work=build/package
bundle=$work/dist/lscp-audit-$version

packaging/build-bundle.sh
packaging/check-bundle.sh "$bundle"

echo "== .tar.gz"
tree=$work/tar/lscp-audit-$version
mkdir -p "$tree"
cp -a "$bundle"/. "$tree"/
install -m 0644 packaging/linux/lscp-audit.desktop "$tree/lscp-audit.desktop"
install -m 0644 resources/lscp-audit.svg "$tree/lscp-audit.svg"
install -m 0755 packaging/linux/install-desktop-entry.sh "$tree/install-desktop-entry.sh"
install -m 0644 LICENSE "$tree/LICENSE"
tarball=dist/lscp-audit-$version-linux-$arch.tar.gz
tar -C "$work/tar" --owner=0 --group=0 --numeric-owner -czf "$tarball" "lscp-audit-$version"
echo "built $tarball ($(du -m "$tarball" | cut -f1) MB)"
unpacked=$(mktemp -d)
tar -C "$unpacked" -xzf "$tarball"
packaging/smoke.sh "$unpacked/lscp-audit-$version/lscp-audit-cli" "$unpacked/lscp-audit-$version/lscp-audit"
rm -rf "$unpacked"

echo "== .deb"
deb_root=$work/deb
mkdir -p "$deb_root/DEBIAN" "$deb_root/opt" "$deb_root/usr/bin" "$deb_root/usr/share/applications" \
    "$deb_root/usr/share/icons/hicolor/scalable/apps" "$deb_root/usr/share/doc/lscp-audit"
cp -a "$bundle" "$deb_root/opt/lscp-audit"
ln -s /opt/lscp-audit/lscp-audit "$deb_root/usr/bin/lscp-audit"
ln -s /opt/lscp-audit/lscp-audit-cli "$deb_root/usr/bin/lscp-audit-cli"
install -m 0644 packaging/linux/lscp-audit.desktop "$deb_root/usr/share/applications/lscp-audit.desktop"
install -m 0644 resources/lscp-audit.svg "$deb_root/usr/share/icons/hicolor/scalable/apps/lscp-audit.svg"
install -m 0644 packaging/linux/copyright "$deb_root/usr/share/doc/lscp-audit/copyright"
size_kb=$(du -sk --exclude=DEBIAN "$deb_root" | cut -f1)
depends=$(packaging/linux/depends.sh "$bundle")
echo "Depends: $depends"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size_kb/" -e "s/@DEPENDS@/$depends/" \
    packaging/linux/control.in >"$deb_root/DEBIAN/control"
chmod -R u+rwX,go+rX,go-w "$deb_root"
deb=dist/lscp-audit_${version}_$arch.deb
# zstd (dpkg 1.21.18+, Debian 12, Ubuntu 22.04): seconds, where xz took minutes for 20% less.
dpkg-deb --root-owner-group -Zzstd -z9 --build "$deb_root" "$deb" >/dev/null
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'
echo "built $deb ($(du -m "$deb" | cut -f1) MB)"
