"""How rare the toy student's careful answer on long sums is, and what that does to Hard-Only and to stepping stones.

The toy world (nbs/13_toy.ipynb) needs Hard-Only to stay stuck: RLOO on the hard family `add7` gets no signal only if
the base model (almost) never samples a careful answer there. Cross-entropy pretraining approaches the corpus's zero
careful share on 7-8 terms only slowly, so the toy recipe multiplies the logits by `ToyConfig.logit_scale` after
pretraining. This script measures, from the pretrained network (the shipped model with its scale divided out):

- `continued`: the careful share per family while pretraining goes on for `--more-steps` more steps of the same
  mixture (lr 3e-4, AdamW): does more of the same training lower the floor on 7-8 terms?
- `scales`: the careful share per family (32 held-out problems each, `toy_careful_share`) at each logit scale;
- `rl`: at each logit scale, student RLOO (batch 8 x group `--group`, lr 3e-4, 16 steps: the toy preset's student) from the
  scaled model on 64 `add7` problems (Hard-Only) and on 192 stepping stones (64 each of add4, add5, add6), per seed:
  the correct training samples, and every 4 steps the careful share and greedy accuracy on 32 held-out add7 problems.

Not a test: nothing is asserted. Writes bench/toy/results/toy_habit.json.
Usage: OMP_NUM_THREADS=1 python bench/toy/toy_habit.py [--scales 1,1.25,1.5] [--hard-seeds 1,2,3,4] [--stone-seeds 1,2]
       [--group 4] [--more-steps 150]
`--group` defaults to the toy preset's student group (4; bench/archive/toy_habit.json was written at group 8, the
preset's group then, and bench/archive/toy_habit_group4.json at 4 with `--scales 1.5 --more-steps 0`).
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, random, time
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--scales', default='1,1.25,1.5'); ap.add_argument('--hard-seeds', default='1,2,3,4')
    ap.add_argument('--stone-seeds', default='1,2'); ap.add_argument('--more-steps', type=int, default=150)
    ap.add_argument('--group', type=int, default=None, help="the student's group (default: the toy preset's)")
    ap.add_argument('--out', default='bench/toy/results/toy_habit.json')
    a = ap.parse_args()
    import torch
    torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))
    from soar.toy import (ToyConfig, toy_model_path, toy_problems, toy_careful_share, toy_example, _accumulate_batch,
                          _max_new_tokens)
    from soar.policy import load_policy
    from soar.generation import make_generator
    from soar.rloo import train_student
    from soar.config import StudentConfig, make_config
    from soar.inner import greedy_accuracy
    group = a.group or make_config('toy').student.group_size
    path = toy_model_path()
    shipped_scale = json.loads((path/'toy.json').read_text())['config'].get('logit_scale', 1.0)
    pol = load_policy(path); gen = make_generator(pol)
    norm = pol.model.model.norm.weight
    raw = (norm.detach() / shipped_scale).clone()                       # the pretrained network, before the scale
    fams = [f'add{k}' for k in range(2, 9)]
    probes = {f: toy_problems(f, 32, 1000) for f in fams}
    def careful(): return {f: round(toy_careful_share(pol, probes[f]), 6) for f in fams}
    res = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
               machine=platform.processor() or platform.machine(), cpu_count=os.cpu_count(),
               threads=torch.get_num_threads(), shipped_logit_scale=shipped_scale, group=group, continued=[], scales={}, rl=[])
    def save(): Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=1))
    base = pol.snapshot(); t0 = time.perf_counter()

    # more of the same pretraining, from the unscaled network
    with torch.no_grad(): norm.copy_(raw)
    c, rng, model = ToyConfig(), random.Random(123), pol.model
    res['continued'].append(dict(step=0, careful=careful()))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=c.weight_decay, betas=(0.9, 0.98))
    model.train()
    for s in range(a.more_steps):
        _accumulate_batch(model, pol.tokenizer, [toy_example(c, rng) for _ in range(c.batch_size)], c.chunks)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step(); opt.zero_grad(set_to_none=True)
        if (s + 1) % 50 == 0:
            model.eval(); res['continued'].append(dict(step=s + 1, careful=careful())); model.train()
            print(json.dumps(res['continued'][-1]), flush=True)
    model.eval(); save()

    probe = toy_problems('add7', 32, seed=77)
    sets = {'Hard-Only': toy_problems('add7', 64, 0),
            'stones': toy_problems('add4', 64, seed=1) + toy_problems('add5', 64, seed=1) + toy_problems('add6', 64, seed=1)}
    for scale in [float(x) for x in a.scales.split(',')]:
        pol.restore(base)
        with torch.no_grad(): norm.copy_(raw * scale)
        scaled = pol.snapshot(); res['scales'][str(scale)] = careful(); print(scale, res['scales'][str(scale)], flush=True)
        for kind, seeds in (('Hard-Only', a.hard_seeds), ('stones', a.stone_seeds)):
            qs = sets[kind]
            st = StudentConfig(batch_size=8, group_size=group, lr=3e-4, max_new_tokens=_max_new_tokens(qs + probe), micro_batch_size=64)
            for seed in [int(x) for x in seeds.split(',')]:
                pol.restore(scaled); track = []
                def log(row):
                    if (row['step'] + 1) % 4 == 0:
                        track.append(dict(step=row['step'] + 1, train_acc=round(row['accuracy'], 4),
                                          careful=round(toy_careful_share(pol, probe), 5),
                                          greedy=greedy_accuracy(gen, probe, prompts='toy', verifier='integer',
                                                                 max_new_tokens=_max_new_tokens(probe))[0]))
                logs = train_student(pol, qs, 16, st, generator=gen, verifier='integer', prompts='toy', seed=seed,
                                     progress=False, log=log)
                res['rl'].append(dict(scale=scale, questions=kind, seed=seed, track=track,
                                      correct_samples=sum(round(r['accuracy'] * st.batch_size * st.group_size) for r in logs)))
                print(json.dumps(res['rl'][-1]), flush=True); save()
    res['seconds'] = round(time.perf_counter() - t0, 1); save()
    print('wrote', a.out)


if __name__ == '__main__': main()
