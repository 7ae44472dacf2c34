"""How often gradient-norm clipping at 1.0 is active in a toy inner loop, and what switching it off changes (issue 24).

The paper states no gradient clipping; `StudentConfig.max_grad_norm` clips at 1.0 (docs/paper-notes.md, readings
table). The student's advantages are RLOO differences of the raw 120/20/10/0 reward (no whitening), so the policy
gradient is on a 120 scale and a norm of 1.0 may cap most updates. This script measures that on the toy world:

- the toy preset's student (`make_config('toy').student`: batch 8, group 4, lr 3e-4) and inner-loop length (8 steps),
  from the shipped toy model, on two question sets: 64 stepping stones (add4/add5/add6, what a useful teacher
  dataset looks like) and 64 hard `add7` problems (Hard-Only);
- per seed, the same loop twice from the same start: clipped at 1.0 (the default) and unclipped (0);
- per step: the pre-clip gradient norm (`clip_grad_norm_` returns it) -> the share of steps where it exceeds 1.0 and
  the median ratio norm / 1.0 (how much clipping shrinks the step);
- after the loop: greedy accuracy on 32 held-out `add7` problems (a Q_R stand-in), clipped vs unclipped.

Reading it: AdamW divides each coordinate by a running RMS of its gradients, so a constant rescale of every step's
gradient changes the update very little; clipping at 1.0 on norms of hundreds acts as a per-step normalisation of
the gradient (every step with a signal gets norm 1 before the moments), not as a cap on the step size.

Not a test: nothing is asserted. Writes bench/training/results/toy_clipping.json.
Usage: OMP_NUM_THREADS=1 python bench/training/toy_clipping.py [--seeds 1,2,3] [--steps 8]
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, subprocess, time
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--seeds', default='1,2,3'); ap.add_argument('--steps', type=int, default=None)
    ap.add_argument('--out', default='bench/training/results/toy_clipping.json')
    a = ap.parse_args()
    import numpy as np, torch
    torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))
    from dataclasses import replace
    from soar.toy import toy_model_path, toy_problems, _max_new_tokens
    from soar.policy import load_policy
    from soar.generation import make_generator
    from soar.rloo import train_student
    from soar.config import make_config
    from soar.inner import greedy_accuracy
    cfg = make_config('toy'); steps = a.steps or cfg.inner_steps
    pol = load_policy(toy_model_path()); gen = make_generator(pol); base = pol.snapshot()
    probe = toy_problems('add7', 32, seed=77)
    sets = {'stones': toy_problems('add4', 22, seed=1) + toy_problems('add5', 21, seed=1) + toy_problems('add6', 21, seed=1),
            'Hard-Only': toy_problems('add7', 64, 0)}
    mnt = _max_new_tokens([q for qs in sets.values() for q in qs] + probe)
    res = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
               machine=platform.processor() or platform.machine(), cpu_count=os.cpu_count(), threads=torch.get_num_threads(),
               load=subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip(),
               student=cfg.student.__dict__ | {'max_new_tokens': mnt}, steps=steps, runs=[])
    def save(): Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=1))
    acc0 = greedy_accuracy(gen, probe, prompts='toy', verifier='integer', max_new_tokens=mnt)[0]
    res['probe_accuracy_start'] = acc0
    t0 = time.perf_counter()
    for kind, qs in sets.items():
        for seed in [int(x) for x in a.seeds.split(',')]:
            row = dict(questions=kind, seed=seed)
            for clip in (1.0, 0.0):
                pol.restore(base)
                st = replace(cfg.student, max_new_tokens=mnt, max_grad_norm=clip)
                logs = train_student(pol, qs, steps, st, generator=gen, verifier='integer', prompts='toy', seed=seed, progress=False)
                gn = np.array([r['grad_norm'] for r in logs])
                acc = greedy_accuracy(gen, probe, prompts='toy', verifier='integer', max_new_tokens=mnt)[0]
                row['clip' if clip else 'noclip'] = dict(
                    grad_norms=[round(float(x), 4) for x in gn], share_above_1=float((gn > 1.0).mean()),
                    median_norm=float(np.median(gn)), train_accuracy=[round(r['accuracy'], 4) for r in logs],
                    probe_accuracy=acc)
            res['runs'].append(row); print(json.dumps({k: v for k, v in row.items()}, default=str)[:400], flush=True); save()
    clipped = [r['clip'] for r in res['runs']]
    allg = np.concatenate([r['grad_norms'] for r in clipped])
    sig = allg[allg > 0.01]                 # steps with a learning signal (not every completion of every question equal)
    res['summary'] = dict(
        steps_total=int(len(allg)), share_steps_clipped=float((allg > 1.0).mean()), median_grad_norm=float(np.median(allg)),
        signal_steps=int(len(sig)), share_signal_steps_clipped=float((sig > 1.0).mean()) if len(sig) else None,
        signal_grad_norm_min_median_max=[float(sig.min()), float(np.median(sig)), float(sig.max())] if len(sig) else None,
        per_set={k: dict(share_steps_clipped=float(np.mean([x for r in res['runs'] if r['questions'] == k for x in np.array(r['clip']['grad_norms']) > 1.0])),
                         probe_accuracy_clip=float(np.mean([r['clip']['probe_accuracy'] for r in res['runs'] if r['questions'] == k])),
                         probe_accuracy_noclip=float(np.mean([r['noclip']['probe_accuracy'] for r in res['runs'] if r['questions'] == k])))
                 for k in sets})
    res['seconds'] = round(time.perf_counter() - t0, 1); save()
    print(json.dumps(res['summary'], indent=1)); print('wrote', a.out)


if __name__ == '__main__': main()
