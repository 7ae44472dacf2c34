"""How far the toy student's careful habit carries: RLOO on stepping stones of one length only, then the careful share
on every longer family.

Issue 22 asks for a world with more than one lesson, where what a student learns from one set of stones makes the
next set learnable. In the shipped world the habit is one switch (careful or lazy, decided by the answer's first
character): this measures whether training on sums of K terms alone moves the careful share on K+1 .. 8 terms
together (one lesson) or one length at a time (a ladder a teacher would have to climb). From the shipped model, for
each K in --lengths and each seed: 16 student steps (the toy preset's student: 16 questions a step, group 4,
lr 2e-4) on 128 distinct `addK` problems; every 4 steps the careful share (`toy_careful_share`) on 32 held-out
problems of each family add4..add8. Not a test: nothing is asserted.

Usage: OMP_NUM_THREADS=1 python bench/toy_transfer.py --lengths 4,5,6 --seeds 181,182   [--result bench/results/toy_transfer.json]
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, time
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--lengths', default='4,5,6'); ap.add_argument('--seeds', default='181,182')
    ap.add_argument('--steps', type=int, default=16)
    ap.add_argument('--result', default=str(Path(__file__).parent/'results'/'toy_transfer.json'))
    a = ap.parse_args()
    import torch
    torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))
    from dataclasses import replace
    from soar.toy import toy_model_path, toy_problems, toy_careful_share, _max_new_tokens
    from soar.policy import load_policy
    from soar.generation import make_generator
    from soar.rloo import train_student
    from soar.config import make_config
    st0 = make_config('toy').student
    pol = load_policy(toy_model_path()); gen = make_generator(pol); base = pol.snapshot()
    fams = [f'add{k}' for k in range(4, 9)]
    probes = {f: toy_problems(f, 32, 1000) for f in fams}
    def careful(): return {f: round(toy_careful_share(pol, probes[f]), 4) for f in fams}
    res = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'), machine=platform.machine(),
               cpus=os.cpu_count(), student=st0.__dict__, steps=a.steps, start=careful(), runs=[])
    print('start', res['start'], flush=True)
    t0 = time.perf_counter()
    for K in [int(x) for x in a.lengths.split(',')]:
        qs = toy_problems(f'add{K}', 128, seed=7)
        st = replace(st0, max_new_tokens=_max_new_tokens(qs))
        for seed in [int(x) for x in a.seeds.split(',')]:
            pol.restore(base); track = []
            def log(row):
                if (row['step'] + 1) % 4 == 0: track.append(dict(step=row['step'] + 1, train_acc=round(row['accuracy'], 3), careful=careful()))
            train_student(pol, qs, a.steps, st, generator=gen, verifier='integer', prompts='toy', seed=seed, progress=False, log=log)
            res['runs'].append(dict(length=K, seed=seed, track=track))
            print(K, seed, json.dumps(track[-1]), flush=True)
    res['seconds'] = round(time.perf_counter() - t0, 1)
    Path(a.result).write_text(json.dumps(res, indent=1))
    print('wrote', a.result)


if __name__ == '__main__': main()
