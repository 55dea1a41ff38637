# livetui: `make run` and `make test` set everything up on first use
# (system packages, then .venv), and skip what is done on later runs.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
STAMPS := .stamps

# The interpreter that creates .venv: python3 if it is 3.11 or newer, else the
# first of python3.13, python3.12, python3.11 found. Override with
#   make PYTHON=/path/to/python3.12 test
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	$$p -c 'import sys; ok = sys.version_info >= (3, 11); ok and print(sys.executable); sys.exit(not ok)' \
	2>/dev/null && break; done)
NO_PYTHON := error: no Python 3.11+ found (tried python3, python3.13, python3.12, python3.11); \
	install one, or name it: make PYTHON=/path/to/python3.11 ...

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help run lint test test-slow bench sim screenshots clean FORCE
.PRECIOUS: $(STAMPS)/system-deps-%

help:
	@echo "make run        set up on first use, then open the console (ARGS=... passed on)"
	@echo "make test       set up on first use, then lint, then run the test suite (PYTEST_ARGS=...)"
	@echo "make lint       ruff (style, import order), lint-imports (layer contracts), mypy (types)"
	@echo "make test-slow  run the slow soak tests (pytest -m slow)"
	@echo "make bench      run the benchmarks"
	@echo "make sim        run the offline Live simulator (ARGS=... passed on)"
	@echo "make screenshots  regenerate screenshots/*.png and *.svg from the tests' app states"
	@echo "make clean      remove .venv and the set-up stamps"

run: $(VENV)/.installed
	@$(VENV)/bin/livetui $(ARGS)

# The rules in pyproject.toml: [tool.ruff], [tool.importlinter], [tool.mypy]. All three
# run even if one fails, so one pass shows everything; then the step fails.
lint: $(VENV)/.installed
	@status=0; \
	echo "ruff check"; $(VENV)/bin/ruff check --quiet . || status=1; \
	echo "lint-imports"; $(VENV)/bin/lint-imports || status=1; \
	echo "mypy"; $(VENV)/bin/mypy || status=1; \
	exit $$status

# The tests need more system packages than running does (scripts/install-system-deps.sh test).
test: $(STAMPS)/system-deps-test lint
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

test-slow: $(STAMPS)/system-deps-test $(VENV)/.installed
	$(VENV)/bin/python -m pytest -m slow $(PYTEST_ARGS)

bench: $(STAMPS)/system-deps-test $(VENV)/.installed
	@if [ -f bench/__main__.py ]; then $(VENV)/bin/python -m bench $(ARGS); \
	else echo "no benchmarks yet (bench/__main__.py does not exist)"; fi

sim: $(VENV)/.installed
	@$(VENV)/bin/livetui-sim $(ARGS)

# The README's pictures: the snapshot tests' app states (tests/ui/states.py), run
# headless, exported as SVG, drawn as PNG by rsvg-convert and shrunk by pngquant.
screenshots: $(VENV)/.installed
	@need=(); command -v rsvg-convert >/dev/null 2>&1 || need+=(librsvg2-bin); \
	command -v pngquant >/dev/null 2>&1 || need+=(pngquant); \
	fc-list 2>/dev/null | grep -q "DejaVu Sans Mono" || need+=(fonts-dejavu-core); \
	if [[ $${#need[@]} -gt 0 ]]; then \
		if [[ $$EUID -eq 0 ]]; then as_root=(); \
		elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root=(sudo -n); \
		else echo "error: missing $${need[*]}; run: sudo apt-get install -y $${need[*]}" >&2; exit 1; fi; \
		echo "installing $${need[*]}"; \
		apt=("$${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300); \
		{ "$${apt[@]}" update && "$${apt[@]}" install --no-install-recommends "$${need[@]}"; } >/dev/null 2>&1 \
			|| { echo "error: could not install $${need[*]}; run: sudo apt-get install -y $${need[*]}" >&2; exit 1; }; \
	fi
	@$(VENV)/bin/python scripts/screenshots.py $(ARGS)

clean:
	rm -rf $(VENV) $(STAMPS)

# System packages, in two sets: what running needs (`make run`, `make sim`), and
# that plus what only the tests use (a PulseAudio server for their private virtual
# devices, sox, node). Each checked once, again only when the script changes.
$(STAMPS)/system-deps-%: scripts/install-system-deps.sh
	@test -n "$(PYTHON)" || { echo "$(NO_PYTHON)" >&2; exit 1; }
	@bash scripts/install-system-deps.sh $* "$(PYTHON)"
	@if [[ "$${DRY_RUN:-0}" == 1 ]]; then echo "DRY_RUN=1: stopped here; nothing was installed" >&2; exit 1; fi
	@mkdir -p $(STAMPS) && touch $@

# The venv itself. An existing .venv (even one made by hand) is adopted; one
# whose python no longer resolves (its interpreter was removed) is made anew.
$(VENV)/pyvenv.cfg: $(if $(realpath $(VENV)/bin/python),,FORCE) | $(STAMPS)/system-deps-run
	@test -n "$(PYTHON)" || { echo "$(NO_PYTHON)" >&2; exit 1; }
	@echo "creating $(VENV) with $(PYTHON)"
	@rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

# The project and its test extras, installed again when pyproject.toml changes
# or the venv is new.
$(VENV)/.installed: pyproject.toml $(VENV)/pyvenv.cfg
	@echo "installing livetui and its Python dependencies into $(VENV)"
	@log=$$(mktemp); $(VENV)/bin/python -m pip install -q -e '.[test,bench]' >$$log 2>&1 \
		|| { tail -n 40 $$log >&2; echo "error: pip install failed (full log: $$log)" >&2; exit 1; }; rm -f $$log
	@touch $@

FORCE:
