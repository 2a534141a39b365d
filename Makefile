# Neuvo: `make run` serves a working chat on a laptop; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
# Test processes (pytest-xdist); each test module runs whole in one of them. 0 = no workers.
PYTEST_WORKERS ?= 0
export NEUVO_TEST_REDIS_URL ?= redis://127.0.0.1:6379
export NEUVO_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test lint services browser proxy morphology clean bench bench-chat bench-anonymiser bench-load bench-smoke bench-stats
.DEFAULT_GOAL := run

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(BIN)/.installed-test: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/.installed $@

run: $(BIN)/.installed
	-deploy/dev/ensure-voikko.sh --optional
	NEUVO_DEV=1 $(BIN)/neuvo db upgrade
	NEUVO_DEV=1 $(BIN)/neuvo queue demo
	NEUVO_DEV=1 $(BIN)/neuvo serve --port $(PORT)

services:
	deploy/dev/ensure-services.sh

browser:
	deploy/dev/ensure-chromium.sh

proxy:
	deploy/dev/ensure-nginx.sh

morphology:
	deploy/dev/ensure-voikko.sh

test: $(BIN)/.installed-test services browser proxy morphology
	$(BIN)/ruff check server bot tests $(wildcard bench)
	$(BIN)/mypy server bot tests
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

lint: $(BIN)/.installed-test
	$(BIN)/ruff check server bot tests $(wildcard bench)
	$(BIN)/mypy server bot tests

# The closed-loop chat bench of the first releases (a few chats, one message after another).
bench-chat: $(BIN)/.installed-test services
	$(BIN)/python bench/chat_bench.py

$(BIN)/.installed-bench: pyproject.toml $(BIN)/.installed-test
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

# Open-loop load bench against the baselines (bench/README.md). The full run takes a while and
# wants a quiet machine; the smoke runs every scenario for a few seconds and fails on any loss.
bench: $(BIN)/.installed-bench services
	$(BIN)/python bench/loadgen.py

bench-load: bench

bench-smoke: $(BIN)/.installed-bench services
	$(BIN)/python bench/loadgen.py --smoke

bench-anonymiser: $(BIN)/.installed-test
	$(BIN)/python bench/anonymiser_bench.py

bench-stats: $(BIN)/.installed-test services
	$(BIN)/python bench/stats_data.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

-include bot/rasa.mk
