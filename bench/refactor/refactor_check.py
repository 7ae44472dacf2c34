"""Behaviour before and after a refactor: a small toy reproduction run by two checkouts, compared number by number.

    python bench/refactor/refactor_check.py run OUT            # this checkout's package: the small chain into OUT (fresh cache)
    python bench/refactor/refactor_check.py compare A B        # writes bench/refactor/results/refactor_check.json (or --result)

`run` is one `soar reproduce` command (the CLI a user types), with its own empty SOAR_CACHE so that the
fail@k filter runs too: seed 3, 3 grounded outer steps, 1 intrinsic step, 4-step evaluation students of five methods,
the analysis stage (`--set KEY=VALUE` adds settings: to undo a default changed on purpose between the two
checkouts, e.g. the toy preset's evaluation students). `compare` reads both directories and checks, ignoring timings and paths: the filter's kept problems
and split, every SOAR run's metrics rows and promotion questions, every evaluation record's pass@k track and
checkpoint, and the analysis stage's diversity and quality numbers. On one machine, a refactor that keeps behaviour
gives identical numbers (floats included); across machines, float rounding may differ, so compare runs of one machine.
"""
from __future__ import annotations
import argparse, json, os, subprocess, sys
from pathlib import Path

SETS = ['outer_steps=3', 'intrinsic.outer_steps=1', 'eval.steps=4', 'eval.eval_every=2', 'eval.avg_window=2',
        'eval.smooth_window=3', 'eval.n_samples=8', 'eval.ks=1,4,8', 'methods=base,hard,pq,grounded,intrinsic',
        'ood=none', 'diversity_repeats=3', 'reference_k=none']
TIMING = {'times', 'seconds', 'elapsed_s', 'total_s', 'finished', 'step_s', 'tokens_per_s', 'wall_s'}


def run(out: Path, extra: list[str] = ()):
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, 'SOAR_CACHE': str(out/'cache'), 'OMP_NUM_THREADS': '1', 'HF_HUB_OFFLINE': '1'}
    cmd = [sys.executable, '-m', 'soar.cli', 'reproduce', '--preset', 'toy', '--seeds', '3', '--out', 'repro',
           '--no-notebook', '--jobs', '1', '--stages', 'filter,soar,eval,analysis'] + [a for s in [*SETS, *extra] for a in ('--set', s)]
    subprocess.run(cmd, cwd=out, env=env, check=True)


def _strip(x):
    "`x` without timings and absolute paths (which differ between two runs that behave the same)."
    if isinstance(x, dict): return {k: _strip(v) for k, v in x.items()
                                   if k not in TIMING and not k.endswith('_s') and k not in ('key', 'key_hash', 'path', 'embedder')}
    if isinstance(x, list): return [_strip(v) for v in x]
    if isinstance(x, str) and x.startswith('/'): return '<path>'
    return x


def _jsonl(p: Path): return [json.loads(l) for l in p.read_text().splitlines() if l.strip()] if p.exists() else None


def snapshot(d: Path) -> dict:
    "The behaviour-relevant numbers of a small chain in `d`/repro."
    r = d/'repro'; s = {}
    for f in ('filter/filter.json', 'filter/split.json', 'analysis/diversity.json', 'analysis/quality.json'):
        if (r/f).exists(): s[f] = _strip(json.loads((r/f).read_text()))
    for run_dir in sorted((r/'soar').glob('*-seed*')):
        if not run_dir.is_dir(): continue
        s[f'soar/{run_dir.name}/metrics'] = _strip(_jsonl(run_dir/'metrics.jsonl'))
        s[f'soar/{run_dir.name}/promotion_questions'] = _strip(_jsonl(run_dir/'promotion_questions.jsonl'))
    for f in sorted((r/'eval').glob('*/*/source*-seed*.json')):
        rec = json.loads(f.read_text())
        s[str(f.relative_to(r))] = dict(evals=[e['pass_at_k'] for e in rec['evals']], checkpoint=rec['checkpoint'],
                                       train=_strip(rec.get('train')))
    return s


def compare(a: Path, b: Path) -> dict:
    sa, sb = snapshot(a), snapshot(b)
    keys = sorted(set(sa) | set(sb))
    diff = [k for k in keys if sa.get(k) != sb.get(k)]
    return dict(a=str(a), b=str(b), compared=len(keys), identical=len(keys) - len(diff), differing=diff,
                missing_in_a=[k for k in keys if k not in sa], missing_in_b=[k for k in keys if k not in sb])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('cmd', choices=['run', 'compare']); ap.add_argument('dirs', nargs='+')
    ap.add_argument('--result', default='bench/refactor/results/refactor_check.json')
    ap.add_argument('--label', default='', help='what the two runs are (for the result file)')
    ap.add_argument('--set', action='append', default=[], help='with run: one more KEY=VALUE for the chain (a default changed on purpose)')
    a = ap.parse_args()
    if a.cmd == 'run': return run(Path(a.dirs[0]).resolve(), a.set)
    res = dict(label=a.label, **compare(Path(a.dirs[0]), Path(a.dirs[1])))
    Path(a.result).parent.mkdir(parents=True, exist_ok=True); Path(a.result).write_text(json.dumps(res, indent=1))
    print(f"{res['identical']}/{res['compared']} identical; differing: {res['differing']}")


if __name__ == '__main__': main()
