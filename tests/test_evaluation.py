"Checks of soar.evaluation that need fresh interpreters (the notebook nbs/30_evaluation.ipynb holds the rest)."
import json, os, signal, subprocess, sys, textwrap, time
from pathlib import Path

ENV = dict(os.environ, OMP_NUM_THREADS='1', TOKENIZERS_PARALLELISM='false')

RUN = """
    import sys, json, torch
    torch.set_num_threads(1)
    from soar.evaluation import *
    from soar.toy import toy_model_path
    from soar.toy import toy_datasets, toy_problems
    tr, te = toy_datasets(8, 2, family='add6', seed=0)
    task = EvalTask('toy', str(toy_model_path()), tr, te)
    from soar.config import StudentConfig
    cfg = EvalConfig(steps=2, eval_every=2, n_samples=4, ks=(1, 4), verifier='integer', prompts='toy',
                     student=StudentConfig(batch_size=2, group_size=4, max_new_tokens=70, lr=3e-4, warmup_steps=20, micro_batch_size=8))
    ms = [base_method(), hard_only(), pq_method([toy_problems('add2', 4, seed=1)])]
    res = run_evaluation(ms, task, cfg, seeds=(0, 1), out_dir=sys.argv[1], progress=True)
    print(json.dumps(res.table().to_dict()))
"""


def _start(out_dir):
    return subprocess.Popen([sys.executable, '-c', textwrap.dedent(RUN), str(out_dir)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=ENV, start_new_session=True)


def test_killed_evaluation_resumes(tmp_path):
    "Kill a run after its first result file: a new process keeps that file and computes only the missing pairs."
    p = _start(tmp_path)
    deadline = time.time() + 600
    while time.time() < deadline and p.poll() is None and not list(tmp_path.glob('*/*.json')): time.sleep(0.2)
    if p.poll() is None: os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    done = {f: f.stat().st_mtime_ns for f in tmp_path.glob('*/*.json')}
    assert done, 'no result file was written before the kill'
    for f in done: json.loads(f.read_text())                        # atomic writes: no half-written file
    p = _start(tmp_path)
    out, err = p.communicate(timeout=600)
    assert p.returncode == 0, err[-3000:]
    files = sorted(tmp_path.glob('*/*.json'))
    assert len(files) == 6
    for f, t in done.items(): assert f.stat().st_mtime_ns == t, f'{f} was recomputed'
    table = json.loads(out.strip().splitlines()[-1])
    assert set(table) == {'pass@1', 'pass@4'} and set(table['pass@1']) == {'Base model', 'Hard-Only', 'SOAR-PQ'}
