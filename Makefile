# tfanalysis: `make report` renders every report from the demo data; `make test` runs all tests.
# Both bootstrap .venv with pip on first use (Python 3.11+ as `python3`, or set PYTHON=...).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := data/raw/demo

.PHONY: help setup bytecode test report demo lab bench docs clean

help:
	@echo "make report  - set up .venv, build the demo data, render every report of its latest quarter and the PDF pack"
	@echo "               (make report PERIOD=all: all data; PDF=: no PDF; RUN_ARGS=...: more tfanalysis run options)"
	@echo "make test    - set up .venv and run the whole test suite"
	@echo "make lab     - JupyterLab on notebooks/ with the project's package"
	@echo "make bench   - run the benchmarks in benchmarks/"

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# The package's bytecode, written once: where Python may not write it (PYTHONDONTWRITEBYTECODE, as
# on CI), every notebook kernel would otherwise compile the package anew (0.2 s a kernel).
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q src >/dev/null

# On every core: the tests sharing a demo run stay on one worker (conftest.py), and start first.
test: $(STAMP) bytecode
	$(BIN)/python -m pytest -n auto --dist loadgroup --no-loadscope-reorder --durations=25 tests src/tfanalysis

demo: $(STAMP) bytecode
	$(BIN)/tfanalysis demo $(DEMO)

RUN_ARGS ?=
# The demo's latest complete quarter (its data end on 2025-12-31, tfanalysis.demo.PERIOD_END), so
# that the summary has a previous quarter and a year before to compare with. PERIOD=all: all data.
PERIOD   ?= 2025Q4
# The printable pack (reports/<run>/report.pdf, needs Debian's chromium). PDF= leaves it out.
PDF      ?= --pdf

report: demo
	$(BIN)/tfanalysis run --data $(DEMO) --out reports --params notebooks/params-demo.yaml --period $(PERIOD) $(PDF) $(RUN_ARGS)
	@echo "open reports/latest/index.html"

lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[lab]'
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build src/*.egg-info

docs: $(STAMP)
	$(BIN)/python -c "from tfanalysis.data.contract import markdown; print(markdown(), end='')" > docs/data-contract.md
