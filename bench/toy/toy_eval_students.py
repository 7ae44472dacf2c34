"""The evaluation students' settings on the toy world: Hard-Only and SOAR-PQ pass@32 per seed, for several settings.

For each variant (`lr=2e-4,group=4`: the fresh students' RLOO learning rate and group size), copies a finished toy
reproduction's `filter` and `soar` stages into OUT/<variant>, sets the plan's evaluation student, keeps the methods
`hard` and `pq`, and runs the evaluation stage (`soar.reproduce.run_stage`). With --collect it only reads such folders
(or a reproduction itself). Writes, per variant and seed, each method's test pass@32 at every evaluation step and at
the checkpoint rule. The seeds of the reproduction used here become calibration seeds: the choice was read off
them, so an acceptance check must use other seeds. Not a test: nothing is asserted.

Usage: OMP_NUM_THREADS=1 python bench/toy/toy_eval_students.py --repro DIR --variants lr=1e-4 lr=2e-4,group=4 --out runs/toy-eval
       python bench/toy/toy_eval_students.py --collect DIR [DIR ...]   (writes bench/toy/results/toy_eval_students.json, or --result)
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, shutil
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')

METHODS = {'hard': 'Hard-Only', 'pq': 'SOAR-PQ'}


def prepare(repro: Path, variant: str, out: Path) -> Path:
    "A copy of `repro`'s filter and soar stages whose plan evaluates only Hard-Only and SOAR-PQ with the `variant` student."
    d = out/variant.replace(',', '_').replace('=', '')
    if not (d/'reproduce.json').exists():
        d.mkdir(parents=True, exist_ok=True)
        for s in ('filter', 'soar'): shutil.copytree(repro/s, d/s, dirs_exist_ok=True)
        plan = json.loads((repro/'reproduce.json').read_text())
        kv = dict(x.split('=') for x in variant.split(','))
        student = {**plan['eval'].get('student', {}), **({'lr': float(kv['lr'])} if 'lr' in kv else {}),
                   **({'group_size': int(kv['group'])} if 'group' in kv else {})}
        plan['eval'] = {**plan['eval'], 'student': student}
        plan['methods'] = list(METHODS)
        (d/'reproduce.json').write_text(json.dumps(plan, indent=2))
    return d


def collect(d: Path) -> dict:
    "Per seed and method, the pass@32 track of a finished evaluation stage in `d`."
    from soar.config import make_config
    saved = json.loads((d/'reproduce.json').read_text()); ev = saved['eval']
    inner = make_config(saved['preset'], **saved['soar']).student     # what an evaluation student copies unless the plan says
    lr = ev.get('student', {}).get('lr', ev.get('rloo', {}).get('lr', inner.lr))          # 'rloo', 'group_size': plans of
    group = ev.get('student', {}).get('group_size', ev.get('group_size', inner.group_size))  # earlier versions
    batch = ev.get('student', {}).get('batch_size', ev.get('batch_size', inner.batch_size))
    seeds = {}
    for key, name in METHODS.items():
        for f in sorted((d/'eval'/'main'/name.replace(' ', '_')).glob('source0-seed*.json')):
            r = json.loads(f.read_text())
            seeds.setdefault(str(r['seed']), {})[name] = dict(
                steps=[e['step'] for e in r['evals']], pass32=[round(e['pass_at_k']['32'], 4) for e in r['evals']],
                checkpoint32=round(r['checkpoint']['pass_at_k']['32'], 4))
    for s, m in seeds.items():
        if len(m) == 2: m['diff_checkpoint'] = round(m['SOAR-PQ']['checkpoint32'] - m['Hard-Only']['checkpoint32'], 4)
    return dict(dir=d.name, lr=lr, group_size=group, batch_size=batch, steps=ev.get('steps'),
                seeds=seeds)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--repro'); ap.add_argument('--variants', nargs='*', default=[]); ap.add_argument('--out', default='runs/toy-eval')
    ap.add_argument('--jobs', type=int, default=2); ap.add_argument('--collect', nargs='*', default=[])
    ap.add_argument('--result', default='bench/toy/results/toy_eval_students.json')
    a = ap.parse_args()
    dirs = [Path(p) for p in a.collect]
    if a.variants:
        from soar.reproduce import run_stage
        for v in a.variants:
            d = prepare(Path(a.repro), v, Path(a.out))
            run_stage(d, 'eval', notebooks=False, progress=False, jobs=a.jobs)
            dirs.append(d)
    runs = sorted((collect(d) for d in dirs), key=lambda r: (r['group_size'], r['lr']))
    res = dict(date=datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'),
               machine=platform.machine(), cpus=os.cpu_count(), runs=runs,
               note='the seeds here chose the evaluation students\' settings: calibration seeds, not acceptance seeds')
    Path(a.result).parent.mkdir(parents=True, exist_ok=True)
    Path(a.result).write_text(json.dumps(res, indent=1))
    for r in runs:
        print(f"lr {r['lr']:g} group {r['group_size']}: " + '  '.join(
            f"{s}: HO {m['Hard-Only']['checkpoint32']:.2f} PQ {m['SOAR-PQ']['checkpoint32']:.2f}" for s, m in r['seeds'].items() if 'diff_checkpoint' in m))
    print(f"wrote {a.result}")


if __name__ == '__main__': main()
