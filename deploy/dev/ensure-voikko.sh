#!/usr/bin/env bash
# Finnish morphology for the anonymiser's name tagger: Debian's libvoikko1 and voikko-fi
# (the Python binding `libvoikko` comes from pyproject.toml). Installed when missing (as root,
# or with sudo). With --optional (make run) a machine without them only gets a notice: the
# tagger then uses its fallback model (README, Privacy: both figures).
set -euo pipefail
optional=false
[ "${1:-}" = "--optional" ] && optional=true
have() { [ -e /usr/lib/x86_64-linux-gnu/libvoikko.so.1 ] || ldconfig -p 2>/dev/null | grep -q libvoikko.so.1; }
dictionary() { [ -d /usr/share/voikko ] || [ -d /usr/lib/voikko ]; }
if have && dictionary; then
  exit 0
fi
packages=(libvoikko1 voikko-fi)
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's libvoikko1 and voikko-fi (Finnish morphology for the anonymiser)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
elif command -v sudo >/dev/null && command -v apt-get >/dev/null && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
elif $optional; then
  echo "note: Debian's libvoikko1 and voikko-fi are not installed; the anonymiser's name tagger" \
       "uses its fallback model (lower recall; see README, Privacy)" >&2
  exit 0
else
  echo "the anonymiser's tests need Finnish morphology: install Debian's 'libvoikko1' and 'voikko-fi'" >&2
  exit 1
fi
have && dictionary
