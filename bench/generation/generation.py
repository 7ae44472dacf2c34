"""Benchmark of soar.generation: generation throughput of the Transformers backend (batched vs one row at a time) and the
cost of a student reset (snapshot + restore), on SmolLM2-135M-Instruct and on the toy model (or a tiny Llama of a
similar size when the toy model is not available). Writes bench/generation/results/generation.json.

`--outer-step` instead compares the generation backends over the generation work of one `smollm2-cpu` outer step
(bench/generation/results/generation_outer_step.json): the vLLM backend (engine start and every weight sync counted), the
Transformers backend and transformers' own `model.generate`; see `outer_step_work`.

Not a test: timings are never asserted. Usage:
    python bench/generation/generation.py [--threads 2] [--rows 32] [--max-new-tokens 64] [--quick]
    python bench/generation/generation.py --outer-step [--threads 2] [--max-new-tokens 128] [--quick]
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


def outer_step_work(cfg, policy, d_train):
    """The generation calls of one outer step of `cfg` (the smollm2-cpu preset), in order, as (who, prompts, params):
    the teacher writes g·n questions in one call; then for each of the g datasets (r = 1 student each) the student
    is reset to the baseline, samples `inner_steps` batches of `student.batch_size` questions × `group_size`, its
    weights change after each batch (an RLOO update), and it answers the q_R questions greedily."""
    from soar.generation import SamplingParams
    from soar.prompts import format_teacher, format_student
    tok, st = policy.tokenizer, cfg.student
    calls = [('teacher', [format_teacher(cfg.prompts, tok)],
              SamplingParams(n=cfg.g * cfg.n, max_new_tokens=cfg.teacher.max_new_tokens, temperature=cfg.teacher.temperature, seed=1))]
    qs = [format_student(p.problem, cfg.prompts, tok) for p in d_train]
    for d in range(cfg.g):
        calls.append(('reset', None, None))
        for k in range(cfg.inner_steps):
            batch = [qs[(d * 7 + k * st.batch_size + i) % len(qs)] for i in range(st.batch_size)]
            calls.append(('student', batch, SamplingParams(n=st.group_size, max_new_tokens=st.max_new_tokens,
                                                          temperature=st.temperature, seed=100 * d + k)))
            calls.append(('update', None, None))
        calls.append(('student', qs[:cfg.qr_size], SamplingParams(greedy=True, max_new_tokens=st.max_new_tokens)))
    return calls


class HFGenerate:
    "transformers' `model.generate` (sampling or greedy, left padding, one batch), as a Generator for the comparison."
    def __init__(self, policy): self.policy = policy
    def generate(self, prompts, params):
        import torch
        tok, m = self.policy.tokenizer, self.policy.model
        tok.padding_side = 'left'
        enc = tok(prompts, return_tensors='pt', padding=True)
        kw = dict(do_sample=False) if params.is_greedy else dict(do_sample=True, temperature=params.temperature,
                                                                   top_p=params.top_p, top_k=0, num_return_sequences=params.n)
        torch.manual_seed(params.seed)
        with torch.no_grad():
            out = m.generate(**enc, max_new_tokens=params.max_new_tokens, pad_token_id=tok.pad_token_id, **kw)
        gen = out[:, enc.input_ids.shape[1]:]
        self.tokens = int((gen != tok.pad_token_id).sum())
        return gen


def bench_outer_step(backend: str, cfg, model_path, d_train) -> dict:
    "Wall time of the generation work of one outer step on one backend: teacher and student policies, starts and syncs counted."
    import torch
    from soar.policy import load_policy
    from soar.generation import make_generator
    teacher, student = load_policy(model_path), load_policy(model_path)
    calls = outer_step_work(cfg, student, d_train)
    t0 = time.perf_counter()
    if backend == 'generate': gens = dict(teacher=HFGenerate(teacher), student=HFGenerate(student))
    else: gens = dict(teacher=make_generator(teacher, backend), student=make_generator(student, backend))
    start_s = time.perf_counter() - t0
    base, tokens, gen_s = student.snapshot(), 0, 0.0
    for who, prompts, sp in calls:
        if who == 'reset': student.restore(base); continue
        if who == 'update':
            with torch.no_grad():
                for _, p in student.trainable_parameters(): p.mul_(1 + 1e-4)     # stands in for an RLOO step
            student.bump(); continue
        g = gens[who]; t = time.perf_counter()
        out = g.generate(prompts, sp)
        gen_s += time.perf_counter() - t
        tokens += g.tokens if backend == 'generate' else sum(len(c.token_ids) for cs in out for c in cs[:1 if sp.is_greedy else sp.n])
    total = time.perf_counter() - t0
    r = dict(backend=backend, seconds_total=round(total, 2), seconds_start=round(start_s, 2), seconds_generate=round(gen_s, 2),
             completion_tokens=tokens, tokens_per_s_total=round(tokens / total, 1),
             calls=sum(1 for w, *_ in calls if w in ('teacher', 'student')))
    if backend == 'vllm':
        e = gens['student'].engine
        r.update(engine_start_s=round(e.start_s, 2), weight_syncs=e.syncs, weight_sync_s=round(e.sync_s, 2),
                 seconds_per_sync=round(e.sync_s / max(e.syncs, 1), 3))
        from soar.vllm import shutdown_engines
        shutdown_engines()
    return r


def main_outer_step(a):
    import resource, torch, transformers
    from soar.config import make_config
    from soar.experiment import resolve_model, resolve_pool
    from soar.utils import atomic_write_json
    over = dict(student=dict(max_new_tokens=a.max_new_tokens), teacher=dict(max_new_tokens=a.max_new_tokens))
    if a.quick: over.update(g=2, n=2, inner_steps=1, qr_size=2, student=dict(max_new_tokens=8, batch_size=2, group_size=2), teacher=dict(max_new_tokens=8))
    cfg = make_config('smollm2-cpu', **over)
    model_path, d_train = resolve_model(cfg), resolve_pool(cfg)[:16]
    res = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'), uptime_before=_uptime(),
               machine=dict(platform=platform.platform(), cpus=os.cpu_count(), torch_threads=a.threads, torch=torch.__version__,
                            transformers=transformers.__version__, python=sys.version.split()[0]),
               settings=dict(preset='smollm2-cpu', g=cfg.g, n=cfg.n, inner_steps=cfg.inner_steps, qr_size=cfg.qr_size,
                             student=dict(batch_size=cfg.student.batch_size, group_size=cfg.student.group_size),
                             max_new_tokens=a.max_new_tokens, dtype='float32'),
               note='Generation work of one outer step (no training: a weight change stands in for each RLOO update). '
                    'Shared 2-core machine: the load average is recorded before and after; figures are noisy.',
               runs={})
    for b in a.backends.split(','):
        res['runs'][b] = bench_outer_step(b, cfg, model_path, d_train)
        res['runs'][b]['uptime_after'] = _uptime()
        print(json.dumps(res['runs'][b]), flush=True)
    R = res['runs']
    if 'vllm' in R:
        res['ratios'] = {f'vllm_vs_{b}': round(R[b]['seconds_total'] / R['vllm']['seconds_total'], 2) for b in R if b != 'vllm'}
    res['peak_rss_GiB'] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)
    atomic_write_json(a.out, res)
    print('wrote', a.out, json.dumps(res.get('ratios')))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--threads', type=int, default=int(os.environ.get('OMP_NUM_THREADS', 1) or 1))
    ap.add_argument('--prompts', type=int, default=8)
    ap.add_argument('--n', type=int, default=4)
    ap.add_argument('--max-new-tokens', type=int, default=64)
    ap.add_argument('--reps', type=int, default=1)
    ap.add_argument('--quick', action='store_true', help='tiny sizes, to check that the script runs')
    ap.add_argument('--out', default=None)
    ap.add_argument('--outer-step', action='store_true', help='compare the backends over one smollm2-cpu outer step')
    ap.add_argument('--backends', default='vllm,transformers,generate')
    a = ap.parse_args(argv)
    res_dir = Path(__file__).resolve().parent / 'results'
    if a.outer_step:
        a.out = a.out or str(res_dir / ('generation_outer_step_quick.json' if a.quick else 'generation_outer_step.json'))
        import torch; torch.set_num_threads(a.threads)
        return main_outer_step(a)
    a.out = a.out or str(res_dir / 'generation.json')
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
