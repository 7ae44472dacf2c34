#!/usr/bin/env bash
# Regenerate README.md from nbs/index.ipynb (nbdev_readme needs Quarto; nbconvert does not).
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate
jupyter nbconvert --to markdown nbs/index.ipynb --output-dir . --output README --log-level WARN
