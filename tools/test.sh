#!/usr/bin/env bash
# The whole test suite: notebook tests (nbdev_test) then pytest. Installs what it needs first.
# Extra flags: SOAR_TEST_FLAGS="slow" runs the slow notebook cells too; pytest args are passed through.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
nbdev_test --n_workers 2 --timing ${SOAR_TEST_FLAGS:+--flags "$SOAR_TEST_FLAGS"}
pytest "$@"
