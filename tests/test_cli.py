"""`soar run` and `soar reproduce` as a user types them: relative paths from another folder, progress on the terminal.

Both commands run through their papermill notebooks (which execute with the run directory as their working directory),
from a folder that is not the checkout, with relative `--out`: the run must land in `<cwd>/<out>`, once. Tiny toy
settings: a 16-problem pool, fail@8, one outer step; `soar reproduce` runs its first stage (the fail@k filter notebook).
"""
import json, os, subprocess, sys
from pathlib import Path
from conftest import tiny_settings

RUN_TINY = tiny_settings({'outer_steps': '1'})
ENV = {**os.environ, 'OMP_NUM_THREADS': '1', 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1', 'TOKENIZERS_PARALLELISM': 'false'}


def soar(*args, cwd, timeout=1200):
    cmd = [sys.executable, '-m', 'soar.cli', *map(str, args)]
    r = subprocess.run(cmd, capture_output=True, text=True, env=ENV, cwd=cwd, timeout=timeout)
    assert r.returncode == 0, f"{' '.join(cmd)}\n{r.stdout[-3000:]}\n{r.stderr[-5000:]}"
    return r


def sets(d): return [a for k, v in d.items() for a in ('--set', f'{k}={v}')]


def test_run_and_reproduce_with_relative_paths(tmp_path):
    cwd = tmp_path/'elsewhere'; cwd.mkdir()
    r = soar('run', '--preset', 'toy', '--out', 'runs/toy', *sets({**RUN_TINY, 'student.lr': '3e-4'}), cwd=cwd)
    run = cwd/'runs'/'toy'
    rows = [json.loads(l) for l in (run/'metrics.jsonl').read_text().splitlines()]
    assert len(rows) == 1 and rows[0]['step'] == 0
    assert (run/'soar_run.ipynb').exists() and (run/'config.json').exists() and not (run/'runs').exists()
    # the notebook ran the config the CLI wrote (its path is the notebook's `config` parameter), with the --set value
    assert json.loads((run/'config.json').read_text())['student']['lr'] == 3e-4
    nb = json.loads((run/'soar_run.ipynb').read_text())
    injected = [''.join(c['source']) for c in nb['cells'] if 'injected-parameters' in c['metadata'].get('tags', [])]
    assert len(injected) == 1 and f"config = {str(run/'config.json')!r}".replace("'", '"') in injected[0], injected
    # progress reached the terminal through papermill, and no warning a user cannot act on
    assert 'fail@8: ' in r.stdout and 'SOAR outer steps: 1/1' in r.stdout and 'ETA' in r.stdout, r.stdout[-2000:]
    for noise in ('TqdmWarning', 'IProgress', 'without encryption'): assert noise not in r.stderr, r.stderr[-2000:]

    tiny = {k: v for k, v in RUN_TINY.items() if k not in ('outer_steps',)}
    soar('reproduce', '--preset', 'toy', '--seeds', '0', '--out', 'repro', '--stages', 'filter', *sets(tiny), cwd=cwd)
    assert (cwd/'repro'/'filter'/'DONE.json').exists() and (cwd/'repro'/'filter'/'filtering.ipynb').exists()
    assert not (cwd/'repro'/'filter'/'repro').exists()
