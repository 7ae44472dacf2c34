"""The evaluation students' learning rate on the toy world: Hard-Only and SOAR-PQ pass@32 per seed, for several lrs.

For each lr, copies a finished toy reproduction's `filter` and `soar` stages into OUT/lr<lr>, sets the plan's
`eval.rloo.lr` (the fresh students' RLOO learning rate), keeps the methods `hard` and `pq`, and runs the evaluation
stage (`soar.reproduce.run_stage`). With --collect it only reads such folders (or the reproduction itself: its
evaluation used the preset's lr). Writes, per lr and seed, each method's test pass@32 at every evaluation step.
The seeds of the reproduction used here become calibration seeds: the choice of lr was read off them, so an
acceptance check must use other seeds. Not a test: nothing is asserted.

Usage: OMP_NUM_THREADS=1 python bench/toy_eval_lr.py --repro DIR --lrs 1e-4,2e-4 --out runs/toy-eval-lr
       python bench/toy_eval_lr.py --collect DIR [DIR ...]        (writes bench/results/toy_eval_lr.json, or --result)
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, shutil
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')

METHODS = {'hard': 'Hard-Only', 'pq': 'SOAR-PQ'}


def prepare(repro: Path, lr: float, out: Path) -> Path:
    "A copy of `repro`'s filter and soar stages whose plan evaluates only Hard-Only and SOAR-PQ at student lr `lr`."
    d = out/f'lr{lr:g}'
    if not (d/'reproduce.json').exists():
        d.mkdir(parents=True, exist_ok=True)
        for s in ('filter', 'soar'): shutil.copytree(repro/s, d/s, dirs_exist_ok=True)
        plan = json.loads((repro/'reproduce.json').read_text())
        plan['eval'] = {**plan['eval'], 'rloo': {**plan['eval'].get('rloo', {}), 'lr': lr}}
        plan['methods'] = list(METHODS)
        (d/'reproduce.json').write_text(json.dumps(plan, indent=2))
    return d


def collect(d: Path) -> dict:
    "Per seed and method, the pass@32 track of a finished evaluation stage in `d`."
    from soar.config import make_config
    plan = json.loads((d/'reproduce.json').read_text())
    lr = plan['eval'].get('rloo', {}).get('lr', make_config(plan['preset'], **plan['soar']).student_lr)
    seeds = {}
    for key, name in METHODS.items():
        for f in sorted((d/'eval'/'main'/name.replace(' ', '_')).glob('source0-seed*.json')):
            r = json.loads(f.read_text())
            seeds.setdefault(str(r['seed']), {})[name] = dict(
                steps=[e['step'] for e in r['evals']], pass32=[round(e['pass_at_k']['32'], 4) for e in r['evals']])
    for s, m in seeds.items():
        if len(m) == 2: m['diff_final'] = round(m['SOAR-PQ']['pass32'][-1] - m['Hard-Only']['pass32'][-1], 4)
    return dict(dir=str(d), lr=lr, steps=plan['eval'].get('steps'), seeds=seeds)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--repro'); ap.add_argument('--lrs', default=''); ap.add_argument('--out', default='runs/toy-eval-lr')
    ap.add_argument('--jobs', type=int, default=2); ap.add_argument('--collect', nargs='*', default=[])
    ap.add_argument('--result', default='bench/results/toy_eval_lr.json')
    a = ap.parse_args()
    dirs = [Path(p) for p in a.collect]
    if a.lrs:
        from soar.reproduce import run_stage
        for lr in [float(x) for x in a.lrs.split(',') if x.strip()]:
            d = prepare(Path(a.repro), lr, Path(a.out))
            run_stage(d, 'eval', notebooks=False, progress=False, jobs=a.jobs)
            dirs.append(d)
    runs = sorted((collect(d) for d in dirs), key=lambda r: r['lr'])
    res = dict(date=datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'),
               machine=platform.machine(), cpus=os.cpu_count(), runs=runs,
               note='the seeds here chose the evaluation lr: calibration seeds, not acceptance seeds')
    Path(a.result).parent.mkdir(parents=True, exist_ok=True)
    Path(a.result).write_text(json.dumps(res, indent=1))
    for r in runs:
        print(f"lr {r['lr']:g}: " + '  '.join(f"{s}: HO {m['Hard-Only']['pass32'][-1]:.2f} PQ {m['SOAR-PQ']['pass32'][-1]:.2f}"
                                             for s, m in r['seeds'].items() if 'diff_final' in m))
    print(f"wrote {a.result}")


if __name__ == '__main__': main()
