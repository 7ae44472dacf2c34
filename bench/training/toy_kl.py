"""How much the student's KL term can matter in a toy inner loop, and so the choice of its reference (issue 24).

The paper gives a KL coefficient (0.001, Table 3) but never names the KL reference; ours is the student at the start
of each inner loop (docs/paper-notes.md, readings table). The reference only enters through the KL term, so a cheap
bound on what the choice can change is what the whole term changes: the same toy inner loop (the toy preset's student,
8 steps, 64 stepping stones, the shipped toy model) from the same seed with beta = 0.001 and with beta = 0, per seed:
- the training accuracy per step and the greedy accuracy on 32 held-out `add7` problems after the loop;
- the parameter distance between the two final students, relative to how far the beta = 0.001 student moved from the
  start (0 = the KL term changed nothing).
Not a test: nothing is asserted. Writes bench/training/results/toy_kl.json.
Usage: OMP_NUM_THREADS=1 python bench/training/toy_kl.py [--seeds 1,2,3]
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, subprocess, time
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--seeds', default='1,2,3'); ap.add_argument('--out', default='bench/training/results/toy_kl.json')
    a = ap.parse_args()
    import torch
    torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))
    from dataclasses import replace
    from soar.toy import toy_model_path, toy_problems, _max_new_tokens
    from soar.policy import load_policy
    from soar.generation import make_generator
    from soar.rloo import train_student
    from soar.config import make_config
    from soar.inner import greedy_accuracy
    cfg = make_config('toy')
    pol = load_policy(toy_model_path()); gen = make_generator(pol); base = pol.snapshot()
    probe = toy_problems('add7', 32, seed=77)
    qs = toy_problems('add4', 22, seed=1) + toy_problems('add5', 21, seed=1) + toy_problems('add6', 21, seed=1)
    mnt = _max_new_tokens(qs + probe)
    flat = lambda: torch.cat([p.detach().flatten().float() for p in pol.model.parameters()])
    start = flat()
    res = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
               machine=platform.processor() or platform.machine(), cpu_count=os.cpu_count(),
               load=subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip(),
               student=cfg.student.__dict__ | {'max_new_tokens': mnt}, steps=cfg.inner_steps, runs=[])
    t0 = time.perf_counter()
    for seed in [int(x) for x in a.seeds.split(',')]:
        row, finals = dict(seed=seed), {}
        for beta in (cfg.student.beta, 0.0):
            pol.restore(base)
            logs = train_student(pol, qs, cfg.inner_steps, replace(cfg.student, max_new_tokens=mnt, beta=beta), generator=gen,
                                 verifier='integer', prompts='toy', seed=seed, progress=False)
            finals[beta] = flat()
            row[f'beta={beta:g}'] = dict(train_accuracy=[round(r['accuracy'], 4) for r in logs], kl=[float(r['kl']) for r in logs],
                                         probe_accuracy=greedy_accuracy(gen, probe, prompts='toy', verifier='integer', max_new_tokens=mnt)[0])
        moved = float((finals[cfg.student.beta] - start).norm())
        row['param_distance_between'] = float((finals[cfg.student.beta] - finals[0.0]).norm())
        row['relative_to_movement'] = row['param_distance_between'] / moved if moved else None
        res['runs'].append(row); print(json.dumps(row)[:300], flush=True)
    res['seconds'] = round(time.perf_counter() - t0, 1)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=1))
    print('wrote', a.out)


if __name__ == '__main__': main()
