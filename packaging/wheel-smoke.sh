#!/usr/bin/env bash
# Build the wheel, install it with the locked runtime dependencies into a fresh virtualenv
# outside the checkout, and run the smoke test from another directory: this is what a user's
# `pip install` gets (`make wheel-smoke`; part of .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
PYTHON=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== wheel-smoke: build the wheel"
"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$work/wheel" .
wheel=$(ls "$work"/wheel/lscp_audit-*.whl)
echo "$wheel"

echo "== wheel-smoke: fresh virtualenv in $work/venv"
"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --require-hashes -r requirements/runtime.txt
"$work/venv/bin/python" -m pip install --quiet --no-deps "$wheel"
"$work/venv/bin/python" -m pip check

cd "$work"
# The installed app must not see the checkout: its package comes from the virtualenv.
"$work/venv/bin/python" -c 'import lscp_audit, sys; p = lscp_audit.__file__; print(p); sys.exit(not p.startswith(sys.prefix))'
"$root/packaging/smoke.sh" "$work/venv/bin/lscp-audit"
