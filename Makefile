# Neuvo: `make run` serves a working chat on a laptop; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
export NEUVO_TEST_REDIS_URL ?= redis://127.0.0.1:6379
export NEUVO_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test lint services browser proxy clean bench bench-anonymiser
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
	NEUVO_DEV=1 $(BIN)/neuvo db upgrade
	NEUVO_DEV=1 $(BIN)/neuvo serve --port $(PORT)

services:
	deploy/dev/ensure-services.sh

browser:
	deploy/dev/ensure-chromium.sh

proxy:
	deploy/dev/ensure-nginx.sh

test: $(BIN)/.installed-test services browser proxy
	$(BIN)/ruff check server bot tests $(wildcard bench)
	$(BIN)/mypy server bot
	$(BIN)/pytest

lint: $(BIN)/.installed-test
	$(BIN)/ruff check server bot tests $(wildcard bench)
	$(BIN)/mypy server bot

bench: $(BIN)/.installed-test
	$(BIN)/python bench/chat_bench.py

bench-anonymiser: $(BIN)/.installed-test
	$(BIN)/python bench/anonymiser_bench.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

-include bot/rasa.mk
