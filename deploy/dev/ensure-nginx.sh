#!/usr/bin/env bash
# The proxy tests (tests/deploy/) run the product's nginx config with Debian's nginx and make
# their test certificate with openssl. Install them when missing (as root, or with sudo).
set -euo pipefail
have() { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; }
if have && command -v openssl >/dev/null; then
  exit 0
fi
packages=(nginx openssl)
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's nginx and openssl for the proxy tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
else
  echo "nginx and openssl are needed for the proxy tests: install Debian's 'nginx' and 'openssl'" >&2
  exit 1
fi
have && command -v openssl >/dev/null
