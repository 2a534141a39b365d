#!/usr/bin/env bash
# Create the Rasa venv (idempotent), train bot/ and start Rasa (REST + HTTP API) and the
# action server. Runs in the foreground until interrupted; both servers stop with it.
#   NEUVO_RASA_PORT     Rasa HTTP port (default 5005)
#   NEUVO_ACTIONS_PORT  action server port (default 5055)
#   NEUVO_RASA_CONFIG   pipeline file inside bot/ (default config.yml; CI uses config-ci.yml)
#   NEUVO_RASA_MODELS   where trained models go (default ${XDG_CACHE_HOME:-$HOME/.cache}/neuvo/rasa-models)
# Usage: bot/scripts/rasa-run.sh [train-only]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BOT="$(dirname "$HERE")"
VENV="$("$HERE/rasa-venv.sh")"
PORT="${NEUVO_RASA_PORT:-5005}"
APORT="${NEUVO_ACTIONS_PORT:-5055}"
CONFIG="${NEUVO_RASA_CONFIG:-config.yml}"
MODELS="${NEUVO_RASA_MODELS:-${XDG_CACHE_HOME:-$HOME/.cache}/neuvo/rasa-models}"
NAME="neuvo-$(basename "$CONFIG" .yml)"
export SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2 PYTHONWARNINGS=ignore
# Rasa's training cache goes outside the repository, next to the venv.
export RASA_CACHE_DIRECTORY="${RASA_CACHE_DIRECTORY:-${XDG_CACHE_HOME:-$HOME/.cache}/neuvo/rasa-cache}"

mkdir -p "$MODELS"
cd "$BOT"
"$VENV/bin/rasa" data validate --domain domain.yml --data data --config "$CONFIG" >&2 \
  || { echo "rasa-run: rasa data validate failed" >&2; exit 1; }
# rasa train skips training when the content is unchanged (fingerprinting).
"$VENV/bin/rasa" train --domain domain.yml --data data --config "$CONFIG" --out "$MODELS" \
  --fixed-model-name "$NAME" >&2 || { echo "rasa-run: rasa train failed" >&2; exit 1; }
[[ "${1:-}" == "train-only" ]] && exit 0

ENDPOINTS="$(mktemp)"
printf 'action_endpoint:\n  url: "http://127.0.0.1:%s/webhook"\n' "$APORT" > "$ENDPOINTS"
"$VENV/bin/rasa" run actions --actions actions --port "$APORT" &
ACTIONS_PID=$!
trap 'kill "$ACTIONS_PID" 2>/dev/null || true; rm -f "$ENDPOINTS"' EXIT INT TERM
exec_rasa() {
  "$VENV/bin/rasa" run --enable-api --model "$MODELS/$NAME.tar.gz" --endpoints "$ENDPOINTS" \
    --credentials credentials.yml --port "$PORT" --interface 127.0.0.1
}
exec_rasa
