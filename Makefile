# Two commands on a fresh machine: `make run` (the app) and `make test` (the whole test suite).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-xvfb lint bench reliability screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
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

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
