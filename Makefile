# make test: set up .venv and run the whole test suite.  make demo: set up and run the main job.
# make bench: side-by-side timings against PyTorch and micrograd (BENCH_ARGS="--only mlp --repeats 5").
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

.PHONY: test demo lint bench graphviz torch clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,demo]'
	rm -f $(VENV)/.installed-*
	touch $@

graphviz:
	@if command -v dot >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing graphviz (dot) with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	else \
		echo "graphviz's 'dot' is missing: install it (sudo apt-get install graphviz / brew install graphviz / conda install graphviz)"; \
	fi

test: $(STAMP) graphviz
	OPENBLAS_NUM_THREADS=1 $(PY) -m pytest -q -n 2 -p no:cacheprovider

demo: $(STAMP) graphviz
	$(VENV)/bin/gategrad demo

# the optional PyTorch comparison tests run when torch is installed (CPU build, pinned)
torch: $(STAMP)
	$(PY) -m pip install --quiet 'torch==2.13.0'

BENCH_STAMP := $(VENV)/.bench-$(shell cksum < pyproject.toml | cut -d' ' -f1)
BENCH_ARGS ?=

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,demo,bench]'
	rm -f $(VENV)/.bench-*
	touch $@

bench: $(BENCH_STAMP)
	$(PY) -m benchmarks.run $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) gategrad-out .pytest_cache
