"""Ladder dose in the 10-term toy world: fresh students (the toy preset's evaluation, hard family add10, D_train added)
on hand-written 128-question sets with given shares of rung-1 stones (add4), rung-2 stones (add7/add8), long sums
(add9/add10), short sums (add2/add3) and products, every answer right. Question: does a set with rung-1 stones and no
rung-2 ones leave add10 unlearned (a Base-T that cannot climb), and how many rung-2 stones does a fresh student need?
Not a test: nothing is asserted. One run per (set, seed, --set); the result file keeps one row per (label, set, seed).
Usage: OMP_NUM_THREADS=1 python bench/toy/toy_ladder_dose.py --out DIR --model MODELDIR (a --max-terms 10 build, see
       toy_transfer.py) --seeds 201,202,203 [--sets r1.20,...] [--set eval.steps=48 --label steps48]
       [--result bench/toy/results/toy_ladder_dose.json]"""
from __future__ import annotations
import argparse, datetime, json, os, platform, random, time
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')

SETS = {   # named before running
    'r1.20': dict(r1=.20, r2=0., long=.10, short=.30, product=.40),
    'r1.20+r2.05': dict(r1=.20, r2=.05, long=.10, short=.25, product=.40),
    'r1.20+r2.15': dict(r1=.20, r2=.15, long=.10, short=.15, product=.40),
    'r1.20+r2.30': dict(r1=.20, r2=.30, long=.10, short=.10, product=.30),
    'r2.30': dict(r1=0., r2=.30, long=.10, short=.20, product=.40),
}
LEN = dict(r1=(4,), r2=(7, 8), long=(9, 10), short=(2, 3))

def ladder_set(shares, seed, n=128):
    from soar.toy import toy_families, toy_product, toy_answer, toy_solution
    from soar.data import Problem
    fams, rng = toy_families(10), random.Random(f'ladder-{sorted(shares.items())}-{seed}')
    kinds = [k for k, s in shares.items() for _ in range(round(n * s))]
    kinds = (kinds + rng.choices(list(shares), weights=list(shares.values()), k=n))[:n]
    seen, out = set(), []
    for kind in kinds:
        for _ in range(1000):
            q = toy_product(rng)[0] if kind == 'product' else fams[f'add{rng.choice(LEN[kind])}'](rng)[0]
            if q not in seen: break
        seen.add(q)
        out.append(Problem(id=f'l-{seed}-{len(out)}', source='synthetic', problem=q, answer=toy_answer(q), solution=toy_solution(q)))
    rng.shuffle(out)
    return out, {k: kinds.count(k) / n for k in shares}

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--out', required=True); ap.add_argument('--model', required=True)
    ap.add_argument('--seeds', default='201,202,203'); ap.add_argument('--sets', default=','.join(SETS))
    ap.add_argument('--result', default=str(Path(__file__).parent/'results'/'toy_ladder_dose.json'))
    ap.add_argument('--label', default='steps16'); ap.add_argument('--set', nargs='*', default=[])
    a = ap.parse_args()
    import torch; torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))
    from soar.config import parse_overrides
    from soar.plan import make_plan, init_reproduce, load_plan, eval_setup, stage_done
    from soar.reproduce import run_stage
    from soar.stages import load_world
    from soar.evaluation import EvalConfig, EvalTask, MethodSpec, run_one
    from soar.utils import atomic_write_json
    seeds = [int(s) for s in a.seeds.split(',')]; out = Path(a.out).resolve()
    ov = dict(model=str(Path(a.model).resolve()), toy_family='add10', **(parse_overrides(a.set) if a.set else {}))
    if not (out/'reproduce.json').exists(): init_reproduce(out, make_plan('toy', seeds[:1], ov))
    if not stage_done(out, 'filter'): run_stage(out, 'filter', notebooks=False, progress=False)
    plan = load_plan(out); cfg, model, train, test, pool = load_world(out)
    ec, tcfg = eval_setup(plan, cfg); ec = EvalConfig(**{**ec.to_dict(), **tcfg})
    task = EvalTask('main', str(model), train, test, config={})
    print(f'D_train {len(train)}, D_test {len(test)} of {cfg.toy_family}; model {model}', flush=True)
    res = json.loads(Path(a.result).read_text()) if Path(a.result).exists() else dict(runs=[])
    for name in a.sets.split(','):
        for seed in seeds:
            f = out/f'{name}-seed{seed}.json'
            if not f.exists():
                qs, mix = ladder_set(SETS[name], seed); t0 = time.perf_counter()
                rec = run_one(MethodSpec(f'ladder {name}', synthetic=lambda *_: qs), task, ec, seed=seed)
                rec.update(set=name, mix=mix, seconds=round(time.perf_counter() - t0, 1)); atomic_write_json(f, rec)
            rec = json.loads(f.read_text()); cp = rec['checkpoint']
            row = dict(label=a.label, overrides=a.set, set=name, shares=SETS[name], seed=seed, pass1_checkpoint=cp['pass_at_k'].get('1'),
                       pass32_checkpoint=cp['pass_at_k'].get('32'), checkpoint_step=cp.get('step'),
                       pass1_by_step={e['step']: e['pass_at_k'].get('1') for e in rec['evals']}, seconds=rec['seconds'])
            print(f"{name} seed {seed}: pass@1 {row['pass1_checkpoint']:.3f} (by step {row['pass1_by_step']}), {rec['seconds']} s", flush=True)
            res['runs'] = [r for r in res['runs'] if (r.get('label'), r['set'], r['seed']) != (a.label, name, seed)] + [row]
            res.setdefault('evals', {})[a.label] = ec.to_dict()
            res.update(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'), machine=platform.machine(),
                       cpus=os.cpu_count(), model=str(model), sets=SETS, family=cfg.toy_family,
                       n_train=len(train), n_test=len(test))
            atomic_write_json(a.result, res)

if __name__ == '__main__':
    main()
