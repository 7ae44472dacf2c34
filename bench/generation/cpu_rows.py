"""Rows per generation chunk on the CPU: the toy world's evaluation and filter shapes at 64 and at 256 rows a chunk.

`soar.generation.batch_limits` sets how many rows one decoding batch holds on the CPU. A decoding step of the ~1M
parameter toy model costs mostly per-step overhead, so fewer, larger chunks should be faster. This script times, on
one thread, two shapes the toy reproduction runs most:
- `eval`: test pass@k of a student that answers carefully (trained 10 RLOO steps on add4-add5 stones): 29 `add7`
  problems x 32 samples = 928 rows;
- `filter`: fail@k of the base model: 16 `add7` problems x 128 samples = 2,048 rows (lazy answers, short).
Each shape runs at every row setting in the order given (default 64, 256, 64, 256), and the completions of every run
are compared with the first one's (the generator's promise: independent of chunking).

Not a test: timings are never asserted. Writes bench/generation/results/cpu_rows.json.
Usage: OMP_NUM_THREADS=1 python bench/generation/cpu_rows.py [--rows 64,256,64,256]
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, time
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--rows', default='64,256,64,256'); ap.add_argument('--out', default='bench/generation/results/cpu_rows.json')
    a = ap.parse_args()
    import torch
    torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))
    from soar.config import make_config
    from soar.generation import TransformersGenerator, SamplingParams
    from soar.policy import load_policy
    from soar.prompts import format_student
    from soar.rloo import train_student
    from soar.toy import toy_model_path, toy_problems
    cfg = make_config('toy')
    base = load_policy(toy_model_path())
    careful = load_policy(toy_model_path())
    train_student(careful, toy_problems('add4', 32, seed=1) + toy_problems('add5', 32, seed=1), 10, cfg.student,
                  verifier='integer', prompts='toy', seed=0, progress=False)
    shapes = {'eval': (careful, toy_problems('add7', 29, seed=9), 32), 'filter': (base, toy_problems('add7', 16, seed=3), 128)}
    res = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
               machine=platform.processor() or platform.machine(), cpu_count=os.cpu_count(),
               threads=torch.get_num_threads(), torch=torch.__version__, runs=[])
    for name, (pol, probs, n) in shapes.items():
        prompts = [format_student(p.problem, 'toy') for p in probs]
        sp = SamplingParams(n=n, temperature=1.0, max_new_tokens=cfg.student.max_new_tokens, seed=11)
        first = None
        for rows in [int(x) for x in a.rows.split(',')]:
            g = TransformersGenerator(pol, max_batch_size=rows, max_batch_tokens=32768)
            t0 = time.perf_counter(); out = g.generate(prompts, sp); dt = time.perf_counter() - t0
            toks = [c.token_ids for cs in out for c in cs]
            first = first if first is not None else toks
            res['runs'].append(dict(shape=name, rows_per_chunk=rows, rows=len(toks), chunks=g.last_stats['chunks'],
                                    seconds=round(dt, 3), mean_tokens=round(sum(map(len, toks)) / len(toks), 1),
                                    same_completions_as_first=toks == first))
            print(json.dumps(res['runs'][-1]), flush=True)
    for name in shapes:
        t = {r: [x['seconds'] for x in res['runs'] if x['shape'] == name and x['rows_per_chunk'] == r]
             for r in sorted({x['rows_per_chunk'] for x in res['runs']})}
        best = {r: min(v) for r, v in t.items()}
        res.setdefault('speedup_vs_64', {})[name] = {str(r): round(best[64] / v, 2) for r, v in best.items()} if 64 in best else None
    Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=1))
    print(json.dumps(res['speedup_vs_64'])); print('wrote', a.out)


if __name__ == '__main__': main()
