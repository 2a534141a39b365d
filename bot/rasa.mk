# Rasa runtime targets. The main Makefile includes this file (`-include bot/rasa.mk`).
# Rasa 3.6 needs Python 3.10: it lives in its own virtualenv outside the repository
# (${XDG_CACHE_HOME:-$HOME/.cache}/neuvo/rasa-venv), never in $(VENV).
VENV ?= .venv
RASA_SCRIPTS := bot/scripts

.PHONY: rasa-venv rasa-train rasa-run test-rasa bench-nlu

## rasa-venv: create the Rasa 3.6 virtualenv (idempotent, about a minute and 2.7 GB the first time)
rasa-venv:
	$(RASA_SCRIPTS)/rasa-venv.sh

## rasa-train: validate and train bot/ with Rasa (the full pipeline in bot/config.yml)
rasa-train: rasa-venv
	$(RASA_SCRIPTS)/rasa-run.sh train-only

## rasa-run: train, then serve Rasa on :5005 (REST channel + HTTP API) and the action server on :5055
rasa-run: rasa-venv
	$(RASA_SCRIPTS)/rasa-run.sh

## test-rasa: real Rasa integration test (validate, train, conversations through RasaBot); fails, never
## skips, if Rasa cannot be set up. Uses bot/config-ci.yml (fewer DIET epochs) to keep CI time down.
## .ci/run calls it after `make test`.
test-rasa: $(VENV)/bin/.installed-test rasa-venv
	NEUVO_TEST_RASA=1 NEUVO_RASA_CONFIG=$${NEUVO_RASA_CONFIG:-config-ci.yml} \
	  $(VENV)/bin/pytest tests/bot/test_rasa_integration.py tests/bot/test_rasa_export.py \
	    tests/bot/test_rasa_publish.py -m rasa -p no:cacheprovider

## bench-nlu: embedded engine vs Rasa DIET on the dev set (accuracy, macro F1, train time, latency)
bench-nlu:
	$(VENV)/bin/python bench/nlu_bench.py
