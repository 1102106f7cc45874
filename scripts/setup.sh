#!/usr/bin/env bash
# Create .venv (if missing) and install referral-cli with its test tools. Safe to re-run.
# The print tests need a real browser: headless Chromium and pdftotext (Debian packages
# chromium, poppler-utils, fonts-dejavu-core), installed here with apt-get when missing and
# when this runs as root or with sudo, if asked with --browser (scripts/test.sh does; trying
# the tool needs none of it). Set REFERRAL_NO_APT=1 to skip that step.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

browser_tools() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
    || missing+=(chromium)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -n "${REFERRAL_NO_APT:-}" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: missing ${missing[*]} (the print tests need them); install them by hand." >&2
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "setup: missing ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
      return 0
    fi
  fi
  echo "setup: installing ${missing[*]} with apt-get" >&2
  local try
  for try in 1 2 3; do
    if "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null; then
      return 0
    fi
    echo "setup: apt-get failed (attempt $try of 3); retrying" >&2
    sleep $((try * 5))
  done
  echo "setup: could not install ${missing[*]}" >&2
  return 1
}

if [ "${1:-}" = "--browser" ]; then
  browser_tools
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
