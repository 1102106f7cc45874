#!/usr/bin/env bash
# Set everything up and start a referral session on the shipped example catalog.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/referral start "$@"
