"""Benchmark of `soar reproduce`: stage times of the tiny chain, and the unit costs that size the `toy` preset.

1. Unit costs on the toy model with the `toy` preset's sizes: seconds per trained rollout (one fresh-student RLOO
   step of batch x group rollouts), per generated sample (test pass@k with 32 samples on D_test), per accepted teacher
   question (128 from the base model as teacher), per fresh-student run (model load), and one outer step of each
   SOAR kind, to check the linear cost model of `soar.reproduce.chain_work` against the real thing.
2. Stage times of the tiny chain of nbs/37_reproduce.ipynb (toy world, 2 seeds): in-process (`notebooks=False`) and
   through the papermill notebooks (`notebooks=True`), report included.
3. The resulting estimate of `soar reproduce --preset toy --seeds 0,1,2`.

Not a test: timings are never asserted. Writes bench/reproduce/results/reproduce_stages.json.
Usage: OMP_NUM_THREADS=1 python bench/reproduce/reproduce_stages.py [--skip-units] [--skip-chain] [--skip-notebooks]
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, subprocess, tempfile, time
from pathlib import Path

os.environ.setdefault('OMP_NUM_THREADS', '1')
os.environ.setdefault('HF_HUB_OFFLINE', '1')


def _uptime() -> str:
    try: return subprocess.run(['uptime'], capture_output=True, text=True, timeout=5).stdout.strip()
    except Exception as e: return f'uptime unavailable ({e})'


def unit_costs() -> dict:
    import torch
    torch.set_num_threads(1)
    from soar.config import make_config, with_overrides
    from soar.evaluation import EvalConfig, train_and_evaluate, evaluate_pass_at_k, sample_teacher_questions
    from soar.experiment import resolve_model, run_filter
    from soar.outer import SoarRun
    from soar.policy import load_policy
    from soar.plan import base_eval_kwargs
    cfg = make_config('toy'); out = {}
    t = time.perf_counter(); mp = resolve_model(cfg); out['model_ready_s'] = time.perf_counter() - t
    out['toy_model'] = Path(mp).name
    out['preset'] = {**{k: getattr(cfg, k) for k in ('toy_family', 'g', 'n', 'r', 'inner_steps')}, 'teacher_max_new_tokens': cfg.teacher.max_new_tokens}
    out['preset'].update(student_batch=cfg.student.batch_size, student_group=cfg.student.group_size,
                         student_max_new_tokens=cfg.student.max_new_tokens)     # the names of the recorded results
    with tempfile.TemporaryDirectory() as td:
        t = time.perf_counter(); train, test, _ = run_filter(cfg, mp, Path(td), progress=False); out['filter_s'] = time.perf_counter() - t
        out['d_train'], out['d_test'] = len(train), len(test)
        t = time.perf_counter(); pol = load_policy(mp); out['runs'] = time.perf_counter() - t
        kw = base_eval_kwargs(cfg)
        t = time.perf_counter()
        pk, corr = evaluate_pass_at_k(pol, test, n_samples=32, max_new_tokens=cfg.student.max_new_tokens, verifier=cfg.verifier,
                                      prompts=cfg.prompts)
        out['samples'] = (time.perf_counter() - t) / corr.size
        steps = 6
        ec = with_overrides(EvalConfig(**kw), {'steps': steps, 'eval_every': 1000, 'n_samples': 1, 'ks': (1,), 'student.warmup_steps': 0})
        t = time.perf_counter(); train_and_evaluate(mp, [], train, test[:1], ec, seed=0)
        el = time.perf_counter() - t - 2 * out['samples'] * 1 - out['runs']
        out['rollouts'] = el / (steps * ec.student.batch_size * ec.student.group_size)
        t = time.perf_counter(); sample_teacher_questions(pol, 128, cfg.prompts, cfg.verifier, max_new_tokens=cfg.teacher.max_new_tokens)
        out['teacher'] = (time.perf_counter() - t) / 128
        for kind in ('grounded', 'intrinsic'):
            c = make_config('toy', teacher_mode=kind, outer_steps=1)
            run = SoarRun(c, mp, train, Path(td) / kind, progress=False)
            t = time.perf_counter(); row = run.outer_step(); out[f'outer_step_{kind}_s'] = time.perf_counter() - t
            out[f'outer_step_{kind}_phases'] = {k: round(v, 2) for k, v in row['times'].items()}
    return out


TINY = {'fail_k': '8', 'max_pool': '16', 'g': '2', 'n': '8', 'r': '1', 'qr_size': '8', 'inner_steps': '2',
        'inner_steps_after_promotion': '2', 'student_batch': '4', 'student_group': '4', 'outer_steps': '2', 'promotion.window': '1',
        'promotion.tau': '0', 'intrinsic.intrinsic_samples': '4', 'eval.steps': '2', 'eval.eval_every': '2', 'eval.n_samples': '32',
        'eval.n_teacher_questions': '8', 'reference_k': '8', 'diversity_size': '16', 'diversity_repeats': '5'}


def tiny_chain(notebooks: bool, seeds=(0, 1)) -> dict:
    from soar.plan import STAGES
    from soar.reproduce import run_reproduce
    with tempfile.TemporaryDirectory() as td:
        t = time.perf_counter()
        s = run_reproduce('toy', seeds, Path(td) / 'r', TINY, notebooks=notebooks, progress=False)
        total = time.perf_counter() - t
        promos = {p.parent.name: json.loads(p.read_text())['promotions'] for p in (Path(td) / 'r' / 'soar').glob('*/summary.json')}
    return dict(seeds=list(seeds), notebooks=notebooks, stages={k: s[k]['seconds'] for k in STAGES}, total_s=round(total, 1),
                promotions=promos)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--skip-units', action='store_true'); ap.add_argument('--skip-chain', action='store_true')
    ap.add_argument('--skip-notebooks', action='store_true')
    a = ap.parse_args()
    dest = Path(__file__).parent / 'results' / 'reproduce_stages.json'
    res = json.loads(dest.read_text()) if dest.exists() else {}
    if not (a.skip_units and a.skip_chain):          # a new measurement (else: only the estimate is recomputed)
        res.update(date=datetime.datetime.now().isoformat(timespec='seconds'), machine=platform.platform(),
                   cpus=os.cpu_count(), omp_threads=os.environ.get('OMP_NUM_THREADS'), uptime_before=_uptime())
    if not a.skip_units:
        if 'unit_costs' in res: res.setdefault('unit_costs_history', []).append(dict(date=res.get('date'), **res['unit_costs']))
        res['unit_costs'] = unit_costs(); print(json.dumps(res['unit_costs'], indent=1), flush=True)
    if not a.skip_chain:
        res['tiny_chain_inprocess'] = tiny_chain(False); print(res['tiny_chain_inprocess'], flush=True)
        if not a.skip_notebooks:
            res['tiny_chain_notebooks'] = tiny_chain(True); print(res['tiny_chain_notebooks'], flush=True)
    if 'unit_costs' in res:
        from soar.reproduce import toy_estimate, TOY_UNIT_COSTS
        u = res['unit_costs']
        costs = {**TOY_UNIT_COSTS, **{k: u[k] for k in ('rollouts', 'samples', 'teacher', 'runs')}}
        res['toy_estimate_s'] = {k: round(v) for k, v in toy_estimate(d_train=u['d_train'], d_test=u['d_test'], costs=costs).items()}
        print('toy estimate (s):', res['toy_estimate_s'])
    if not (a.skip_units and a.skip_chain): res['uptime_after'] = _uptime()
    dest.parent.mkdir(exist_ok=True); dest.write_text(json.dumps(res, indent=1))
    print('wrote', dest)


if __name__ == '__main__': main()
