#!/usr/bin/env bash
# Build the PyInstaller bundle for this platform from the lock file: a fresh build virtualenv with
# requirements/bundle.txt (hashes checked), the wheel (dist/), installed into it, then the spec.
# Linux: build/package/dist/lscp-audit-VERSION/ (plus the lscp-audit-cli link)
# Windows: the same folder with lscp-audit.exe and lscp-audit-cli.exe
# macOS: build/package/dist/LSCP Audit.app (and the folder it was made from)
# Used by build-linux.sh and by .github/workflows/installers.yml; bash (Git Bash on Windows).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
PYTHON=${PYTHON:-python3}
version=$(sed -nE 's/^__version__ = "([^"]+)"/\1/p' lscp_audit/__init__.py)
work=build/package
venv=$work/venv
rm -rf "$work"
mkdir -p "$work" dist

echo "== build virtualenv from requirements/bundle.txt (hashes checked)"
"$PYTHON" -m venv "$venv"
bin=$venv/bin
[ -d "$venv/Scripts" ] && bin=$venv/Scripts
"$bin/python" -m pip install --quiet --require-hashes -r requirements/bundle.txt

echo "== wheel"
rm -f dist/lscp_audit-*.whl
"$bin/python" -m pip wheel --quiet --no-deps --wheel-dir dist .
"$bin/python" -m pip install --quiet --no-deps dist/lscp_audit-"$version"-py3-none-any.whl
"$bin/python" -m pip check

echo "== PyInstaller"
start=$(date +%s)
# Run outside the checkout so the spec bundles the installed wheel, not ./lscp_audit.
(cd "$work" && "$root/$bin/python" -m PyInstaller --noconfirm --log-level WARN \
    --distpath dist --workpath pyinstaller "$root/packaging/lscp_audit.spec")
bundle=$work/dist/lscp-audit-$version
if [ ! -e "$bundle/lscp-audit-cli" ] && [ ! -e "$bundle/lscp-audit-cli.exe" ]; then
    ln -s lscp-audit "$bundle/lscp-audit-cli"  # one executable serves both here (see the spec)
fi
echo "bundle: $bundle, built in $(($(date +%s) - start)) s, $(du -sm "$bundle" | cut -f1) MB, $(find "$bundle" -type f | wc -l | tr -d ' ') files"
