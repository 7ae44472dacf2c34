"""A killed SOAR run resumes to exactly the metrics of an uninterrupted one (real subprocesses, SIGKILL mid-step)."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest

SETTINGS = ['fail_k=8', 'max_pool=24', 'toy_family=add6', 'g=2', 'n=8', 'r=2', 'qr_size=8', 'inner_steps=2',
            'inner_steps_after_promotion=3', 'student.batch_size=4', 'student.group_size=4', 'outer_steps=4', 'promotion.tau=0.0',
            'student.lr=3e-4', 'teacher.lr=3e-4', 'promotion.window=1']

def soar_run(out, *extra):
    cmd = [sys.executable, '-m', 'soar.cli', 'run', '--preset', 'toy', '--out', str(out), '--no-notebook']
    for s in SETTINGS: cmd += ['--set', s]
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'HF_HUB_OFFLINE': '1'}
    return subprocess.Popen(cmd + list(extra), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

def metrics(out):
    rows = [json.loads(l) for l in (Path(out)/'metrics.jsonl').read_text().splitlines() if l.strip()]
    for r in rows: r.pop('times')
    return rows

def test_kill_and_resume_matches_uninterrupted(tmp_path):
    a, b = tmp_path/'uninterrupted', tmp_path/'killed'
    p = soar_run(a); out, _ = p.communicate(timeout=1200); assert p.returncode == 0, out[-3000:]
    ref = metrics(a)
    assert len(ref) == 4
    # start the second run, SIGKILL it in the middle of outer step 2 (after two steps were written)
    p = soar_run(b); t0 = time.time()
    while time.time() - t0 < 1200:
        f = b/'metrics.jsonl'
        if f.exists() and len(f.read_text().splitlines()) >= 2: break
        if p.poll() is not None: pytest.fail('run ended before it could be killed:\n' + p.stdout.read()[-3000:])
        time.sleep(0.05)
    time.sleep(1.0)                              # well inside step 2 (teacher sampling / inner loops)
    p.send_signal(signal.SIGKILL); p.wait()
    assert p.returncode == -signal.SIGKILL
    n_before = len(metrics(b)); assert 2 <= n_before < 4
    p = soar_run(b, '--resume'); out, _ = p.communicate(timeout=1200); assert p.returncode == 0, out[-3000:]
    got = metrics(b)
    assert [r['step'] for r in got] == [0, 1, 2, 3]
    assert got == ref                            # same rewards, accuracies, promotions, teacher losses, acceptance
    ck = b/'checkpoint'
    assert json.loads((ck/'latest.json').read_text())['checkpoint'] == 'step-000004'
    assert sorted(p.name for p in ck.iterdir()) == ['latest.json', 'step-000003', 'step-000004']   # no temp dirs left

def test_resume_refuses_a_different_config(tmp_path):
    p = soar_run(tmp_path/'r'); p.communicate(timeout=1200)
    cmd = [sys.executable, '-m', 'soar.cli', 'run', '--preset', 'toy', '--out', str(tmp_path/'r'), '--no-notebook', '--resume']
    for s in SETTINGS: cmd += ['--set', s.replace('qr_size=8', 'qr_size=4')]
    r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert r.returncode != 0 and 'config differs' in r.stderr and 'qr_size' in r.stderr


def flat_config(d: dict) -> dict:
    "A config.json as versions before the nested teacher and promotion settings wrote it: flat `LEGACY_KEYS`, one `beta`."
    from soar.config import LEGACY_KEYS
    old = {v[0]: k for k, v in LEGACY_KEYS.items() if len(v) == 1}
    out = {k: v for k, v in d.items() if not isinstance(v, dict)}
    for name in ('student', 'teacher', 'promotion'):
        for k, v in d[name].items():
            if f'{name}.{k}' in old: out[old[f'{name}.{k}']] = v
            elif k == 'beta': out['beta'] = v                                   # student.beta: the earlier `beta`
            # a key added after the flat era (teacher.train_on) is not in an older config: resuming takes its default
    return out

def test_resume_takes_an_older_flat_config(tmp_path):
    "A run directory of an earlier version (flat teacher_* / student_* / tau keys) resumes with the same --set values."
    whole = ('--set', 'teacher.train_on=completion')     # the flat era had no question-only teacher update
    r = tmp_path/'r'; p = soar_run(r, *whole); out, _ = p.communicate(timeout=1200); assert p.returncode == 0, out[-3000:]
    d = json.loads((r/'config.json').read_text()); assert d['teacher']['lr'] == 3e-4 and d['promotion']['tau'] == 0.0
    flat = flat_config(d); assert flat['teacher_lr'] == 3e-4 and flat['tau'] == 0.0 and 'teacher' not in flat
    (r/'config.json').write_text(json.dumps(flat))
    p = soar_run(r, '--resume'); out, _ = p.communicate(timeout=1200)        # today's preset trains questions only
    assert p.returncode != 0 and 'teacher.train_on' in out and 'config differs' in out
    p = soar_run(r, '--resume', *whole); out, _ = p.communicate(timeout=1200); assert p.returncode == 0, out[-3000:]
    assert json.loads((r/'config.json').read_text()) == d                       # loaded to the same config, written nested
