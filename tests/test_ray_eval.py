"""The evaluation stage on Ray (`soar reproduce --set executor=ray`) gives the same results as in-process.

A tiny toy chain runs its filter and SOAR stages once; two copies of that folder then run the evaluation stage, one
in-process and one with `executor='ray'` in the plan (each evaluation unit a Ray task on a local `ray.init(num_cpus=2)`).
Every evaluation record must have the same pass@k track and checkpoint. Slow (a Ray start and two evaluation stages:
minutes on 2 cores), so it runs with `-m slow`.
"""
import json, shutil
from pathlib import Path
import pytest
from conftest import tiny_settings

TINY = tiny_settings({'eval.n_samples': '8', 'eval.ks': '1,4,8', 'ood': 'none', 'diversity_size': None,
                      'diversity_repeats': None}, chain=True)


def _records(d: Path) -> dict:
    out = {}
    for f in sorted((d/'eval').glob('*/*/source*-seed*.json')):
        r = json.loads(f.read_text())
        out[str(f.relative_to(d))] = (r['method'], [e['pass_at_k'] for e in r['evals']], r['checkpoint'])
    return out


@pytest.mark.slow
def test_eval_stage_on_ray_matches_inprocess(tmp_path, monkeypatch):
    pytest.importorskip('ray')
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    from soar.reproduce import run_reproduce, run_stage
    a = tmp_path/'inprocess'
    run_reproduce('toy', (0,), a, TINY, notebooks=False, stages=('filter', 'soar'), progress=False, jobs=1)
    b = tmp_path/'ray'
    shutil.copytree(a, b)
    plan = json.loads((b/'reproduce.json').read_text())
    plan['soar'] = {**plan['soar'], 'executor': 'ray'}             # the plan's SOAR config: executor='ray'
    (b/'reproduce.json').write_text(json.dumps(plan, indent=2))
    run_stage(a, 'eval', notebooks=False, progress=False, jobs=1)
    from soar.executors import ensure_ray
    ray = ensure_ray(num_cpus=2)                                   # a local instance (with the settings a busy machine needs)
    try: run_stage(b, 'eval', notebooks=False, progress=False, jobs=1)
    finally: ray.shutdown()
    ra, rb = _records(a), _records(b)
    assert len(ra) >= 5 and ra.keys() == rb.keys()
    assert ra == rb
