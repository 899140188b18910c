# Two commands set everything up on a fresh machine:
#   make app    create .venv if needed, install, serve the voila app on 127.0.0.1
#   make test   create .venv if needed, install, run every test (lint, unit, widget,
#               notebooks under nbval, the app in headless Chromium)
PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8866
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# The static site's build tools (JupyterLite, Voici) in a venv of their own: installed beside
# voila, JupyterLite's JupyterLab extension would load into every page voila serves.
SITE_VENV  := .venv-site
SITE_STAMP := $(SITE_VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))
NBVAL  := --nbval --nbval-current-env --nbval-cell-timeout=120 \
          --nbval-sanitize-with notebooks/sanitize.cfg

.PHONY: app test lab lint unit notebooks graphs bench constraints site clean

# The test extra brings the server (voila, JupyterLab) and the site's build tools; every
# version is the one constraints.txt pins, the versions the tests last ran with.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	# An editable install leaves out data files: link the app page's voila template in.
	ln -sfn $(CURDIR)/share/jupyter/voila/templates/course \
		$(VENV)/share/jupyter/voila/templates/course
	touch $(STAMP)

$(SITE_STAMP): pyproject.toml constraints.txt
	test -x $(SITE_VENV)/bin/python || $(PYTHON) -m venv $(SITE_VENV)
	$(SITE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SITE_VENV)/bin/python -m pip install --quiet -c constraints.txt -e '.[site]'
	ln -sfn $(CURDIR)/share/jupyter/voila/templates/course \
		$(SITE_VENV)/share/jupyter/voila/templates/course
	touch $(SITE_STAMP)

app: $(STAMP)
	@echo "Serving the app at http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	$(VENV)/bin/voila notebooks/app.ipynb --no-browser --port=$(PORT) \
		--Voila.ip=127.0.0.1 --Voila.port_retries=0

# Two passes: everything without a browser on both cores (a notebook's cells stay together on
# one worker: --dist loadfile), then the browser and hub tests in one process, which share one
# server and one browser per session. Each pass prints its 25 slowest tests.
UNIT   := -m "not browser and not hub" -n 2 --dist loadfile
SLOWEST := --durations=25

test: $(STAMP) $(SITE_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest tests notebooks $(NBVAL) $(UNIT) $(SLOWEST)
	COURSE_SITE_PYTHON=$(SITE_VENV)/bin/python $(PY) -m pytest tests -m "browser or hub" $(SLOWEST)

# The static site (the app and the notebooks running in the browser, Pyodide) into site/;
# downloads are kept in ~/.cache/course-lib/site (lite/build_site.py). Serve site/ with any static
# file server, e.g. `python3 -m http.server -d site --bind 127.0.0.1 8000`.
site: $(SITE_STAMP)
	$(SITE_VENV)/bin/python lite/build_site.py --output site

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --no-browser notebooks

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

unit: $(STAMP)
	$(PY) -m pytest tests $(UNIT) $(SLOWEST)

# Re-run every numbered notebook top to bottom and store its outputs (what nbval compares);
# widget views are not stored (scripts/strip_widget_views.py says why).
notebooks: $(STAMP)
	for nb in $(NOTEBOOKS); do \
		$(PY) -m jupyter nbconvert --to notebook --execute --inplace \
			--ExecutePreprocessor.timeout=120 --ExecutePreprocessor.record_timing=False \
			--ExecutePreprocessor.store_widget_state=False "$$nb" || exit 1; \
	done
	$(PY) scripts/strip_widget_views.py $(NOTEBOOKS)

# Redraw the computation graphs the package ships (after a change to course_lib/figures.py
# or the stage names; tests/test_widgets.py fails until they are redrawn).
graphs: $(STAMP)
	$(PY) scripts/draw_graphs.py

# Pin what .venv holds now (after a deliberate upgrade and a green `make test`).
constraints: $(STAMP) $(SITE_STAMP)
	{ sed -n '/^#/p' constraints.txt; { $(PY) -m pip freeze --exclude-editable; \
		$(SITE_VENV)/bin/python -m pip freeze --exclude-editable; } | sort -fu; } > constraints.new
	mv constraints.new constraints.txt

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(PY) "$$b" || exit 1; done

clean:
	rm -rf $(VENV) $(SITE_VENV) .pytest_cache .hypothesis test-artifacts site
