"""Dose-response of the toy world's fresh students: how the share of stepping stones among the 128 questions a fresh
student trains on decides whether it learns the careful habit.

For each share s and student seed, 128 distinct questions: round(128 s) stones (sums of 4, 5 or 6 terms, equally
likely) and the rest in the untrained teacher's own proportions of long sums (7-8 terms), short sums (2-3 terms) and
products (`bench/toy/results/toy_world.json`'s teacher profile), every answer right. Each set trains one fresh student
exactly as the toy preset's evaluation does (`soar.evaluation.run_one` with the plan's evaluation config, D_train
added), and we read its test pass@1 and pass@32 at the checkpoint rule and at the last step. A teacher's students can
only be told apart from the untrained teacher's where this curve is steep. Not a test: nothing is asserted.

Usage: OMP_NUM_THREADS=1 python bench/toy/toy_dose.py --out runs/toy-dose --shares 0.05,0.1,0.2,0.4,0.7 --seeds 171,172,173,174
       [--set eval.steps=32 ...]  (plan overrides, as `soar reproduce --set`)   [--result bench/toy/results/toy_dose.json]
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, random, time
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')


def dose_set(share: float, seed: int, n: int = 128, rest=None) -> list:
    "`n` distinct toy `Problem`s: `round(n * share)` stones, the rest long/short/product in the weights `rest`."
    from soar.toy import toy_families, toy_product, toy_answer, toy_solution
    from soar.data import Problem
    rest = rest or dict(long=0.533, short=0.051, product=0.291)
    fams, rng = toy_families(8), random.Random(f'dose-{share}-{seed}')
    draw = dict(stone=lambda: fams[f'add{rng.choice((4, 5, 6))}'](rng)[0], long=lambda: fams[f'add{rng.choice((7, 8))}'](rng)[0],
                short=lambda: fams[f'add{rng.choice((2, 3))}'](rng)[0], product=lambda: toy_product(rng)[0])
    k = round(n * share)
    kinds = ['stone'] * k + rng.choices(list(rest), weights=list(rest.values()), k=n - k)
    seen, out = set(), []
    for kind in kinds:
        for _ in range(1000):
            q = draw[kind]()
            if q not in seen: break
        seen.add(q)
        out.append(Problem(id=f'dose-{share}-{seed}-{len(out)}', source='synthetic', problem=q, answer=toy_answer(q),
                           solution=toy_solution(q)))
    rng.shuffle(out)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default='runs/toy-dose')
    ap.add_argument('--shares', default='0.05,0.1,0.2,0.4,0.7')
    ap.add_argument('--seeds', default='171,172,173,174')
    ap.add_argument('--set', nargs='*', default=[], help='plan overrides KEY=VALUE (e.g. eval.steps=32)')
    ap.add_argument('--label', default='preset')
    ap.add_argument('--result', default=str(Path(__file__).parent/'results'/'toy_dose.json'))
    a = ap.parse_args()
    import torch
    torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))
    from soar.config import parse_overrides
    from soar.plan import make_plan, init_reproduce, load_plan, eval_setup
    from soar.reproduce import run_stage
    from soar.plan import stage_done
    from soar.stages import load_world
    from soar.evaluation import EvalConfig, EvalTask, MethodSpec, run_one
    from soar.toy import toy_teacher_profile
    from soar.utils import atomic_write_json
    seeds = [int(s) for s in a.seeds.split(',')]; shares = [float(s) for s in a.shares.split(',')]
    out = Path(a.out).resolve()
    ov = parse_overrides(a.set) if a.set else {}
    if not (out/'reproduce.json').exists(): init_reproduce(out, make_plan('toy', seeds[:1], ov))
    if not stage_done(out, 'filter'): run_stage(out, 'filter', notebooks=False, progress=False)
    plan = load_plan(out)
    cfg, model, train, test, pool = load_world(out)
    ec, tcfg = eval_setup(plan, cfg)
    ec = EvalConfig(**{**ec.to_dict(), **tcfg})
    task = EvalTask('main', str(model), train, test, config={})
    res = json.loads(Path(a.result).read_text()) if Path(a.result).exists() else dict(runs=[])
    for share in shares:
        for seed in seeds:
            f = out/f'share{share}-seed{seed}.json'
            if not f.exists():
                qs = dose_set(share, seed)
                t0 = time.perf_counter()
                rec = run_one(MethodSpec(f'dose {share}', synthetic=lambda *_: qs), task, ec, seed=seed)
                rec.update(share=share, profile=toy_teacher_profile(qs), seconds=round(time.perf_counter() - t0, 1))
                atomic_write_json(f, rec)
            rec = json.loads(f.read_text())
            ev, cp = rec['evals'], rec['checkpoint']
            row = dict(label=a.label, overrides=ov, share=share, seed=seed, stones=rec['profile']['stone'],
                       pass1_checkpoint=cp['pass_at_k'].get('1'), pass32_checkpoint=cp['pass_at_k'].get('32'),
                       checkpoint_step=cp.get('step'), pass1_by_step={e['step']: e['pass_at_k'].get('1') for e in ev},
                       seconds=rec['seconds'])
            print(f"share {share:.2f} seed {seed}: pass@1 {row['pass1_checkpoint']:.3f} at step {row['checkpoint_step']} "
                  f"(by step {row['pass1_by_step']}), {rec['seconds']} s", flush=True)
            res['runs'] = [r for r in res['runs'] if (r['label'], r['share'], r['seed']) != (a.label, share, seed)] + [row]
    res.update(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'), machine=platform.machine(),
               cpus=os.cpu_count(), eval=ec.to_dict())
    atomic_write_json(a.result, res)


if __name__ == '__main__':
    main()
