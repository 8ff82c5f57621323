# «Генеративные модели. Автоэнкодеры» — one-command set-up, tests and runs.
#   make test   create .venv if needed, run unit tests and execute every notebook (nbval)
#   make run    execute every notebook in order and save the outputs into it
#   make lab    open JupyterLab in notebooks/
#   make bench  data-pipeline benchmark (in-memory batches vs DataLoader)
# Datasets are read from $AE_COURSE_DATA (default: data/); see data/README.md.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
CELL_TIMEOUT ?= 1800

.PHONY: help venv test unit notebooks run lab bench lint data clean

help:
	@sed -n '2,7p' Makefile

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env \
		--nbval-sanitize-with notebooks/nbval_sanitize.cfg --nbval-cell-timeout=$(CELL_TIMEOUT) \
		--durations=10

unit: $(STAMP)
	$(BIN)/python -m pytest tests

notebooks: $(STAMP)
	$(BIN)/python -m pytest notebooks --nbval-lax --nbval-current-env \
		--nbval-sanitize-with notebooks/nbval_sanitize.cfg --nbval-cell-timeout=$(CELL_TIMEOUT)

run: $(STAMP)
	@for nb in $(NOTEBOOKS); do \
		echo "== $$nb"; start=$$(date +%s); \
		$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
			--ExecutePreprocessor.timeout=$(CELL_TIMEOUT) "$$nb" || exit 1; \
		echo "   $$(( $$(date +%s) - start )) s"; \
	done

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

lint: $(STAMP)
	$(BIN)/ruff check utils tests scripts notebooks

data: $(STAMP)
	$(BIN)/python -m utils.data

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
