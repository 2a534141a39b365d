#!/usr/bin/env bash
# Create (idempotently) the Rasa 3.6 virtualenv outside the repository.
# Rasa 3.6 needs Python 3.10; it never goes into the project's own .venv.
#   NEUVO_RASA_PYTHON  the Python 3.10 interpreter (default: pyenv 3.10.13 or python3.10)
#   NEUVO_RASA_VENV    where the venv lives (default: ${XDG_CACHE_HOME:-$HOME/.cache}/neuvo/rasa-venv)
# Prints the venv path on success; exits non-zero with a clear message on failure.
set -euo pipefail

RASA_VERSION="3.6.21"
VENV="${NEUVO_RASA_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/neuvo/rasa-venv}"
PY="${NEUVO_RASA_PYTHON:-}"
if [[ -z "$PY" ]]; then
  for candidate in /root/.pyenv/versions/3.10.13/bin/python "$HOME/.pyenv/versions/3.10.13/bin/python" \
                   "$(command -v python3.10 || true)"; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then PY="$candidate"; break; fi
  done
fi
if [[ -z "$PY" ]]; then
  echo "rasa-venv: no Python 3.10 found; set NEUVO_RASA_PYTHON" >&2
  exit 2
fi
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)'; then
  echo "rasa-venv: $PY is not Python 3.10 (Rasa 3.6 needs 3.10)" >&2
  exit 2
fi

STAMP="$VENV/.neuvo-rasa-$RASA_VERSION"
if [[ -f "$STAMP" && -x "$VENV/bin/rasa" ]]; then
  echo "$VENV"
  exit 0
fi

fail() {
  echo "rasa-venv: $1" >&2
  echo "rasa-venv: the Rasa virtualenv could not be created in $VENV; 'make test-rasa' cannot run." >&2
  echo "rasa-venv: it needs the package index (network): pip install rasa==$RASA_VERSION rasa-sdk (about 2.7 GB)." >&2
  exit 1
}
mkdir -p "$(dirname "$VENV")"
echo "rasa-venv: creating $VENV (Rasa $RASA_VERSION, about a minute)" >&2
"$PY" -m venv "$VENV" >&2 || fail "python -m venv failed"
"$VENV/bin/pip" install --quiet --upgrade "pip<25" >&2 || fail "cannot upgrade pip (no network?)"
"$VENV/bin/pip" install --quiet "rasa==$RASA_VERSION" "rasa-sdk>=3.6,<3.7" >&2 \
  || fail "pip install rasa==$RASA_VERSION failed (no network or package index unreachable?)"
"$VENV/bin/rasa" --version >&2 || fail "the installed rasa does not start"
touch "$STAMP"
echo "$VENV"
