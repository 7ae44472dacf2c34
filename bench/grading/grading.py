"""Grading throughput (completions graded per second) of soar.grading, with and without the LRU cache.

Workload: RL-like groups built from real benchmark rows. For each sampled problem, a group of 16 completions:
6 correct (the reference solution followed by the boxed gold answer), 6 wrong (boxed gold answers of 3 other
problems, each twice: groups repeat answers), 4 unboxed (the solution with its boxes removed).

Modes (each on a freshly started grading worker, so the worker's parse cache starts empty):
  nocache          MathVerifier(cache_size=0): in-process fast paths + worker
  nocache_worker   MathVerifier(cache_size=0, fast_paths=False): every boxed answer goes through the worker
  cache_cold       MathVerifier() on the workload once (hits only on repeats inside groups)
  cache_warm       the same verifier, second pass (everything cached)
  inprocess_mv     math-verify in this process, no worker, no bound on time (reference: the cost of the pipe)

Usage: python bench/grading/grading.py [--problems 200] [--seed 0]   -> bench/grading/results/grading.json
"""
import os, sys, time, json, random, argparse, platform, re
from pathlib import Path

os.environ.setdefault('OMP_NUM_THREADS', '1')
from soar.utils import data_dir, read_jsonl, atomic_write_json
import soar.grading as G
import soar.equivalence as E
from soar.grading import MathVerifier, math_reward, extract_boxed

FILES = ['math_test.jsonl', 'harp.jsonl', 'olympiadbench_math_en_text.jsonl']


def build_workload(n_problems, seed):
    rng = random.Random(seed)
    rows = [r for f in FILES for r in read_jsonl(data_dir() / f)]
    probs = rng.sample(rows, n_problems)
    work = []
    for p in probs:
        sol = (p.get('solution') or '')[:2000]
        unboxed = re.sub(r'\\(boxed|fbox)', r'\\mathbf', sol)
        others = rng.sample(rows, 3)
        group = [(f"{unboxed}\n\nThe final answer is $\\boxed{{{p['answer']}}}$.", p['answer'], 'correct')] * 6
        group += [(f"{unboxed}\n\nSo the answer is $\\boxed{{{o['answer']}}}$.", p['answer'], 'wrong')
                  for o in others for _ in range(2)]
        group += [(unboxed + '\n\nI could not finish.', p['answer'], 'unboxed')] * 4
        work += group
    return work


def fresh_worker():
    G.shutdown_worker()
    t0 = time.perf_counter(); G._WORKER.call('pid', (), timeout=120)
    return time.perf_counter() - t0


def run(verifier, work):
    t0 = time.perf_counter()
    rewards = [math_reward(c, g, verifier) for c, g, _ in work]
    return time.perf_counter() - t0, rewards


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--problems', type=int, default=200)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--out', default=str(Path(__file__).parent / 'results' / 'grading.json'))
    a = ap.parse_args()
    work = build_workload(a.problems, a.seed)
    n = len(work)
    res = dict(date=time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()),
               machine=dict(platform=platform.platform(), cpus=os.cpu_count(), python=sys.version.split()[0],
                            processor=platform.processor() or platform.machine()),
               uptime_before=os.popen('uptime').read().strip(),
               workload=dict(problems=a.problems, completions=n, per_group='6 correct, 6 wrong (3 answers x2), 4 unboxed'),
               note='shared 2-core machine with other developers working: figures are noisy', modes={})
    res['worker_start_s'] = round(fresh_worker(), 3)
    ref = None
    for mode in ['nocache', 'nocache_worker', 'cache_cold', 'cache_warm', 'inprocess_mv']:
        if mode == 'cache_warm': v = v                                   # same verifier, cache already filled
        elif mode == 'inprocess_mv': v = None
        else:
            fresh_worker()
            v = {'nocache': MathVerifier(cache_size=0), 'nocache_worker': MathVerifier(cache_size=0, fast_paths=False),
                 'cache_cold': MathVerifier()}[mode]
        if mode == 'inprocess_mv':
            E.mv_equiv('1', '1'); E._mv_parse.cache_clear()             # imports done before timing
            t0 = time.perf_counter()
            rewards = []
            for c, g, _ in work:
                b = extract_boxed(c)
                rewards.append(0.0 if b is None else 120.0 if E.mv_equiv(b, g) else
                               20.0 if G._contains(b, g) else 10.0)
            dt = time.perf_counter() - t0
        else:
            dt, rewards = run(v, work)
        ref = ref or rewards
        res['modes'][mode] = dict(seconds=round(dt, 3), completions_per_s=round(n / dt, 1),
                                  ms_per_completion=round(1000 * dt / n, 3), agrees_with_nocache=rewards == ref,
                                  counts=dict(v.counts) if v is not None else None)
        print(mode, res['modes'][mode], flush=True)
    by_kind = {}
    for (c, g, k), r in zip(work, ref): by_kind.setdefault(k, []).append(r)
    res['mean_reward_by_kind'] = {k: sum(v) / len(v) for k, v in by_kind.items()}
    res['uptime_after'] = os.popen('uptime').read().strip()
    atomic_write_json(a.out, res)
    print(json.dumps(res, indent=1))


if __name__ == '__main__':
    main()
