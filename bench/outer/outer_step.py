"""Seconds per SOAR outer step, by phase, and how a step's time grows with g, n and r.

Runs real outer steps (`soar.outer.SoarRun`) on the toy world (and, with --smollm2, on SmolLM2-135M-Instruct with the
smollm2-cpu preset) and reads the per-phase timings the loop writes to metrics.jsonl. Writes bench/outer/results/outer_step.json.
Not a test: timings depend on the machine and its load (reported beside the numbers).

    python bench/outer/outer_step.py [--steps 2] [--threads 1] [--smollm2]
"""
import argparse, json, os, platform, tempfile, time
from pathlib import Path

def run(preset, overrides, d_train, steps):
    from soar.config import make_config
    from soar.experiment import resolve_model
    from soar.outer import SoarRun
    cfg = make_config(preset, outer_steps=steps, **overrides)
    with tempfile.TemporaryDirectory() as t:
        r = SoarRun(cfg, resolve_model(cfg), d_train, Path(t)/'run', progress=False)
        rows = r.run()
    phases, acc = {}, [row['acceptance'] for row in rows]
    for row in rows:
        for k, v in row['times'].items(): phases.setdefault(k, []).append(v)
    mean = {k: sum(v)/len(v) for k, v in phases.items()}
    return dict(preset=preset, overrides=overrides, steps=steps, seconds_per_step=sum(mean.values()),
                phases={k: round(v, 3) for k, v in mean.items()}, teacher_acceptance=sum(acc) / len(acc))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--steps', type=int, default=2); ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--smollm2', action='store_true'); ap.add_argument('--out', default='bench/outer/results/outer_step.json')
    a = ap.parse_args()
    import torch; torch.set_num_threads(a.threads)
    from soar.toy import toy_problems
    d_train = toy_problems('add5', 32, seed=11)
    base = dict(g=2, n=8, r=1, qr_size=16, inner_steps=2, student_batch=8, student_group=8)
    res = {'date': time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()), 'machine': platform.processor() or platform.machine(),
           'cpus': os.cpu_count(), 'threads': a.threads, 'load_before': os.getloadavg(), 'toy': [], 'smollm2': []}
    grid = [base, {**base, 'g': 4}, {**base, 'n': 16}, {**base, 'r': 2}]
    for ov in grid:
        res['toy'].append(run('toy', ov, d_train, a.steps)); print(json.dumps(res['toy'][-1]))
    if a.smollm2:
        from soar.data import load_benchmark
        from soar.outer import TeacherCollapse
        t0 = time.perf_counter()
        # the teacher prompt with format examples and the '<question>' response prefix: with the paper-style 'math-chat'
        # prompt SmolLM2-135M never writes a parsable output (see nbs/03_prompts.ipynb, bench/generation/teacher_format.py)
        try: res['smollm2'].append(run('smollm2-cpu', dict(prompts='math-chat-fewshot'), load_benchmark('math')[:16], 1))
        except TeacherCollapse as e:
            res['smollm2'].append(dict(error=str(e), seconds=round(time.perf_counter() - t0, 1)))
    res['load_after'] = os.getloadavg()
    Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=1))
    print(f"wrote {a.out}")

if __name__ == '__main__': main()
