#!/usr/bin/env bash
# The whole default test suite: notebook tests (nbdev_test) then pytest, each timed. Installs what it needs first.
# Runs anywhere: without the benchmark data the notebooks and tests use the invented fixtures of tests/fixtures/data
# and skip (with a one-line reason) the few checks that need the real sets; SOAR_DATA_DIR (or a shared/data above
# the checkout) runs those too. Extra flags: SOAR_TEST_FLAGS="slow" runs the slow notebook cells too;
# pytest args are passed through (e.g. `-m ""` for the slow tests as well).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
t0=$(date +%s)
nbdev_test --n_workers 2 --timing ${SOAR_TEST_FLAGS:+--flags "$SOAR_TEST_FLAGS"}
t1=$(date +%s)
pytest --durations=10 "$@"
t2=$(date +%s)
echo "suite time: notebooks $((t1 - t0)) s, pytest $((t2 - t1)) s, total $((t2 - t0)) s"
