# Two commands on a fresh machine: `make run` (the app) and `make test` (the whole test suite).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The oldest Python the app supports (pyproject.toml requires-python).
PY_OK := import sys; sys.exit(sys.version_info < (3, 11))

.PHONY: run test test-xvfb test-atspi lint bench reliability screenshots lock lock-check wheel-smoke package clean

# A .venv whose interpreter no longer runs or is older than 3.11 (made by another python3, or
# its pyenv version was removed) is recreated rather than failing in obscure ways.
ifneq ($(wildcard $(VENV)/pyvenv.cfg),)
ifneq ($(shell $(PY) -c '$(PY_OK)' >/dev/null 2>&1 && echo ok),ok)
$(info make: $(VENV) was made by a Python that is missing or older than 3.11; recreating it)
$(shell rm -rf $(VENV))
endif
endif

# Pinned tools and runtime libraries from requirements/dev.txt (hashes checked), then the app
# itself, editable. A dependency added to pyproject.toml but not yet locked is still installed.
$(STAMP): pyproject.toml setup.py requirements/dev.txt
	@$(PYTHON) -c '$(PY_OK)' 2>/dev/null || { \
	    echo "make: LSCP Audit needs Python 3.11 or newer, but $(PYTHON) is $$($(PYTHON) --version 2>&1)." >&2; \
	    echo "      Install one and run, e.g.: make PYTHON=python3.11 $(MAKECMDGOALS)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m lscp_audit $(ARGS)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

# The GUI tests again on a real X server (Xvfb) with a window manager (openbox): focus, window
# activation and modal dialogs as on a desktop. CI runs this after `make test`.
test-xvfb: $(STAMP)
	.ci/with-xserver env QT_QPA_PLATFORM=xcb $(PY) -m pytest -q -p no:cacheprovider tests/ui

# The app as a screen reader sees it on the real AT-SPI bus (Xvfb + openbox, a private D-Bus
# session, /usr/bin/python3 with Debian's python3-pyatspi); about 20 seconds.
test-atspi: $(STAMP)
	.ci/with-xserver env QT_QPA_PLATFORM=xcb $(PY) -m pytest -q -p no:cacheprovider tests/atspi

lint: $(STAMP)
	$(VENV)/bin/ruff check lscp_audit tests bench
	$(VENV)/bin/ruff format --check lscp_audit tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

reliability: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m slow -p no:cacheprovider

# Screenshots of every screen from the demo vault, under Xvfb (1280x720) with openbox: normal
# size into docs/screenshots/, QT_SCALE_FACTOR=1.5 into docs/screenshots/large-text/.
SCREEN := -screen 0 1280x720x24
screenshots: $(STAMP)
	xvfb-run -a -s "$(SCREEN)" sh -c 'openbox & sleep 1; $(PY) tools/screenshots.py docs/screenshots'
	xvfb-run -a -s "$(SCREEN)" sh -c 'openbox & sleep 1; QT_SCALE_FACTOR=1.5 $(PY) tools/screenshots.py docs/screenshots/large-text'

# Lock files (requirements/*.txt, hashes for every platform): regenerate after changing the
# dependencies in pyproject.toml. Existing pins are kept unless pyproject.toml rules them out;
# `make lock UPGRADE=--upgrade` moves everything to the newest allowed versions.
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" $(UPGRADE)
define compile_locks
	$(UV_COMPILE) pyproject.toml -o $(1)/runtime.txt
	$(UV_COMPILE) pyproject.toml --extra test --extra lock -c $(1)/runtime.txt -o $(1)/dev.txt
	$(UV_COMPILE) pyproject.toml --extra bundle -c $(1)/runtime.txt -o $(1)/bundle.txt
endef

lock: $(STAMP)
	$(call compile_locks,requirements)

# Regenerates the locks in place, shows any difference from the committed ones, then puts the
# committed ones back: the working tree is left as it was.
lock-check: $(STAMP)
	@rm -rf build/lock-check && mkdir -p build/lock-check && cp requirements/*.txt build/lock-check/
	$(call compile_locks,requirements)
	@if diff -u build/lock-check requirements; then \
	    echo "lock-check: requirements/*.txt match pyproject.toml"; \
	else \
	    cp build/lock-check/*.txt requirements/; \
	    echo "lock-check: requirements/*.txt do not match pyproject.toml (diff above). Run 'make lock' and commit requirements/." >&2; \
	    exit 1; \
	fi

# The wheel, installed from the lock into a fresh virtualenv outside the checkout, smoke-tested.
wheel-smoke:
	PYTHON=$(PYTHON) packaging/wheel-smoke.sh

# Linux bundle (.tar.gz) and .deb in dist/, each smoke-tested (packaging/README.md).
package:
	PYTHON=$(PYTHON) packaging/build-linux.sh

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
