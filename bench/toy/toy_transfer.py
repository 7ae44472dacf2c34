"""How far the toy student's careful habit carries: RLOO on stepping stones of one length only, then the careful share
on every longer family.

Issue 22 asks for a world with more than one lesson, where what a student learns from one set of stones makes the
next set learnable. In the shipped world the habit is one switch (careful or lazy, decided by the answer's first
character): this measures whether training on sums of K terms alone moves the careful share on K+1 .. 8 terms
together (one lesson) or one length at a time (a ladder a teacher would have to climb). From the shipped model, for
each K in --lengths and each seed: 16 student steps (the toy preset's student: 16 questions a step, group 4,
lr 2e-4) on 128 distinct `addK` problems; every 4 steps the careful share (`toy_careful_share`) on 32 held-out
problems of each family add4..add8. Not a test: nothing is asserted.

Usage: OMP_NUM_THREADS=1 python bench/toy/toy_transfer.py --lengths 4,5,6 --seeds 181,182   [--result bench/toy/results/toy_transfer.json]

A world with longer sums (built into the cache from `ToyConfig`, not the shipped model), and a ladder (`4>7`: 16 steps
on add4, then 16 on add7 from there):
       OMP_NUM_THREADS=1 python bench/toy/toy_transfer.py --max-terms 10 --lengths 4,4>7 --seeds 191,192 \
           --careful-prob 1,1,.5,.2,.05,0,0,0,0 --teacher-terms .1,.1,.12,.1,.1,.1,.12,.13,.13 --result bench/toy/results/toy_ladder.json
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, time
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--lengths', default='4,5,6'); ap.add_argument('--seeds', default='181,182')
    ap.add_argument('--steps', type=int, default=16)
    ap.add_argument('--max-terms', type=int, default=None, help='a world with sums of 2..N terms (default: the shipped model)')
    ap.add_argument('--careful-prob', default=None); ap.add_argument('--teacher-terms', default=None)
    ap.add_argument('--result', default=str(Path(__file__).parent/'results'/'toy_transfer.json'))
    a = ap.parse_args()
    import torch
    torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))
    from dataclasses import replace
    from soar.toy import toy_model_path, toy_problems, toy_careful_share, _max_new_tokens, ToyConfig, ToyFamily
    from soar.policy import load_policy
    from soar.generation import make_generator
    from soar.rloo import train_student
    from soar.config import make_config
    st0 = make_config('toy').student
    tc = ToyConfig()
    if a.max_terms:
        fl = lambda x: tuple(float(v) for v in x.split(','))
        tc = ToyConfig(max_terms=a.max_terms, careful_prob=fl(a.careful_prob), teacher_terms=fl(a.teacher_terms))
    t0 = time.perf_counter()
    path = toy_model_path(tc); build_s = round(time.perf_counter() - t0, 1)
    pol = load_policy(path); gen = make_generator(pol); base = pol.snapshot()
    fam = lambda k: ToyFamily(f'add{k}', k)
    fams = [f'add{k}' for k in range(4, tc.max_terms + 1)]
    probes = {f'add{k}': toy_problems(fam(k), 32, 1000) for k in range(4, tc.max_terms + 1)}
    def careful(): return {f: round(toy_careful_share(pol, probes[f]), 4) for f in fams}
    res = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'), machine=platform.machine(),
               cpus=os.cpu_count(), student=st0.__dict__, steps=a.steps, world=tc.key()['config'], model=str(path),
               build_s=build_s, start=careful(), runs=[])
    print('start', res['start'], flush=True)
    t0 = time.perf_counter()
    for spec in a.lengths.split(','):
        for seed in [int(x) for x in a.seeds.split(',')]:
            pol.restore(base); track = []
            for rung, K in enumerate(int(k) for k in spec.split('>')):     # `4>7`: 16 steps on add4, then 16 on add7
                qs = toy_problems(fam(K), 128, seed=7)
                st = replace(st0, max_new_tokens=_max_new_tokens(qs))
                def log(row, K=K, off=rung * a.steps):
                    if (row['step'] + 1) % 4 == 0:
                        track.append(dict(step=off + row['step'] + 1, on=f'add{K}', train_acc=round(row['accuracy'], 3), careful=careful()))
                train_student(pol, qs, a.steps, st, generator=gen, verifier='integer', prompts='toy', seed=seed + 1000 * rung,
                              progress=False, log=log)
            res['runs'].append(dict(length=spec if '>' in spec else int(spec), seed=seed, track=track))
            print(spec, seed, json.dumps(track[-1]), flush=True)
    res['seconds'] = round(time.perf_counter() - t0, 1)
    Path(a.result).parent.mkdir(parents=True, exist_ok=True)
    Path(a.result).write_text(json.dumps(res, indent=1))
    print('wrote', a.result)


if __name__ == '__main__': main()
