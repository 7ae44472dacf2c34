"""Benchmark of soar.generation: generation throughput of the Transformers backend (batched vs one row at a time) and the
cost of a student reset (snapshot + restore), on SmolLM2-135M-Instruct and on the toy model (or a tiny Llama of a
similar size when the toy model is not available). Writes bench/results/generation.json.

Not a test: timings are never asserted. Usage:
    python bench/generation.py [--threads 2] [--rows 32] [--max-new-tokens 64] [--quick]
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, statistics, subprocess, sys, time
from pathlib import Path


def _uptime() -> str:
    try: return subprocess.run(['uptime'], capture_output=True, text=True, timeout=5).stdout.strip()
    except Exception as e: return f'uptime unavailable ({e})'


def _prompts(k: int, tokenizer, style: str) -> list[str]:
    "k student prompts on real MATH test problems (plain style, or chat-templated for an instruct model)."
    from soar.data import load_benchmark
    from soar.prompts import format_student
    probs = load_benchmark('math')[:k]
    return [format_student(p.problem, 'math', tokenizer=tokenizer if style == 'chat' else None) for p in probs]


def bench_generation(policy, prompts, n, max_new_tokens, seed=0, reps=1) -> dict:
    "tokens/s of one batched call (all rows) vs the same rows one at a time (same completions, by construction)."
    from soar.generation import TransformersGenerator, SamplingParams
    sp = SamplingParams(n=n, max_new_tokens=max_new_tokens, temperature=1.0, seed=seed)
    out = {}
    for name, kw in [('batched', dict(max_batch_size=len(prompts) * n)), ('one_row_at_a_time', dict(max_batch_size=1))]:
        g = TransformersGenerator(policy, **kw)
        runs = []
        for _ in range(reps):
            res = g.generate(prompts, sp)
            runs.append(dict(g.last_stats))
        best = max(runs, key=lambda r: r['tokens_per_s'])
        out[name] = dict(tokens_per_s=round(best['tokens_per_s'], 1), seconds=round(best['seconds'], 2),
                         completion_tokens=best['completion_tokens'], rows=best['rows'], chunks=best['chunks'],
                         mean_completion_len=round(best['completion_tokens'] / best['rows'], 1))
    out['speedup_batched'] = round(out['batched']['tokens_per_s'] / out['one_row_at_a_time']['tokens_per_s'], 2)
    return out


def bench_reset(policy, reps=20) -> dict:
    "Median milliseconds of snapshot() and restore() of the trainable weights."
    import torch
    snap, rest = [], []
    s = policy.snapshot()
    for _ in range(reps):
        t = time.perf_counter(); s = policy.snapshot(); snap.append(time.perf_counter() - t)
        t = time.perf_counter(); policy.restore(s); rest.append(time.perf_counter() - t)
    n_train = sum(p.numel() for _, p in policy.trainable_parameters())
    mb = sum(p.numel() * p.element_size() for _, p in policy.trainable_parameters()) / 2**20
    return dict(trainable_params=n_train, snapshot_MiB=round(mb, 2),
                snapshot_ms=round(1000 * statistics.median(snap), 3), restore_ms=round(1000 * statistics.median(rest), 3),
                reset_ms=round(1000 * (statistics.median(snap) + statistics.median(rest)), 3), reps=reps)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--threads', type=int, default=int(os.environ.get('OMP_NUM_THREADS', 1) or 1))
    ap.add_argument('--prompts', type=int, default=8)
    ap.add_argument('--n', type=int, default=4)
    ap.add_argument('--max-new-tokens', type=int, default=64)
    ap.add_argument('--reps', type=int, default=1)
    ap.add_argument('--quick', action='store_true', help='tiny sizes, to check that the script runs')
    ap.add_argument('--out', default=str(Path(__file__).resolve().parent / 'results' / 'generation.json'))
    a = ap.parse_args(argv)
    if a.quick: a.prompts, a.n, a.max_new_tokens = 2, 2, 8
    import torch, transformers
    torch.set_num_threads(a.threads)
    from soar.policy import load_policy, Policy
    from soar.models import smollm2_path, char_tokenizer, tiny_lm
    from soar.utils import atomic_write_json

    res = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'), uptime_before=_uptime(),
               machine=dict(platform=platform.platform(), cpus=os.cpu_count(), torch_threads=a.threads,
                            torch=torch.__version__, transformers=transformers.__version__, python=sys.version.split()[0],
                            cuda=torch.cuda.get_device_name(0) if torch.cuda.is_available() else None),
               settings=dict(prompts=a.prompts, n=a.n, rows=a.prompts * a.n, max_new_tokens=a.max_new_tokens,
                             temperature=1.0, dtype='float32', device='cpu', reps=a.reps),
               note='Shared machine: figures are noisy. Same completions in both modes (per-row seeded streams).',
               models={})

    # SmolLM2-135M-Instruct, chat-formatted student prompts
    pol = load_policy(smollm2_path())
    r = dict(params=sum(p.numel() for p in pol.model.parameters()))
    r['generation'] = bench_generation(pol, _prompts(a.prompts, pol.tokenizer, 'chat'), a.n, a.max_new_tokens, reps=a.reps)
    r['reset_full'] = bench_reset(pol)
    lpol = load_policy(smollm2_path(), lora=True)
    r['reset_lora_r16'] = bench_reset(lpol)
    res['models']['smollm2-135m-instruct'] = r
    print(json.dumps(r, indent=1), flush=True)
    del pol, lpol

    # the toy world model if it can be built/found, else a tiny random Llama of a few million parameters
    name, toy = None, None
    try:
        from soar.toy import toy_model_path
        toy = load_policy(toy_model_path()); name = 'toy'
    except Exception as e:
        res['toy_unavailable'] = f'{type(e).__name__}: {e}'[:300]
        tok = char_tokenizer()
        toy = Policy(tiny_lm(tok, hidden_size=256, intermediate_size=768, num_hidden_layers=4, num_attention_heads=4,
                             num_key_value_heads=4), tok)
        name = 'tiny_lm-256x4 (stand-in for the toy model)'
    r = dict(params=sum(p.numel() for p in toy.model.parameters()))
    r['generation'] = bench_generation(toy, _prompts(a.prompts, toy.tokenizer, 'plain'), a.n, a.max_new_tokens, reps=a.reps)
    r['reset_full'] = bench_reset(toy)
    res['models'][name] = r
    print(json.dumps(r, indent=1), flush=True)

    res['uptime_after'] = _uptime()
    atomic_write_json(a.out, res)
    print('wrote', a.out)


if __name__ == '__main__':
    main()
