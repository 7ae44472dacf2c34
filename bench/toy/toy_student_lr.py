"""Does the toy student's RLOO improve what it is trained on? Learning rate and batch of the toy student (issue 22).

The toy preset's student trained at lr 3e-4 with 8 questions a step until session 9. A probe of the acceptance chain
101-105 showed that at that setting an inner loop of a *promoted* student lowers its own training accuracy (RL on long
sums took it from 0.66 to 0) and its greedy accuracy on the hard family: the inner loops were close to a random walk, so
the grounded reward was mostly noise and every post-promotion reward was negative. This script measures, for each
student setting (lr, questions per step), the same inner loop the SOAR run uses (`train_student`, group 4, the preset's
other student values) from two starting students:
- **base**: the shipped toy model. The dataset is 16 questions of which `s` are stepping stones (4-6-term sums) and the
  rest distractors as the untrained teacher writes them (7-8-term sums or two-digit products, 60:40). Greedy accuracy on
  32 `add7` problems after `--steps` steps: a stable setting gives 0 for few stones and rises with `s`.
- **habit**: a student that has the careful habit (the base trained on 16 stones at lr 2e-4, 16 a step, 10 steps, seed
  0; its add7 greedy accuracy is printed). Datasets of 16 stones, 16 long sums or 16 products, `--steps-after` steps: a
  stable setting keeps (or raises) the accuracy; an unstable one loses it whatever it trains on.
Seeds (dataset and sampling): `--seeds`, named before running in the session's seed file. Not a test: nothing is
asserted. Writes bench/toy/results/toy_student_lr.json.
Usage: OMP_NUM_THREADS=1 python bench/toy/toy_student_lr.py [--seeds 0,1] [--settings 3e-4:8,1e-4:8,2e-4:16]
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, random, subprocess, time
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')


def _sum(r: random.Random, terms) -> str: return '+'.join(str(r.randint(1, 9)) for _ in range(r.choice(terms)))


def _problems(questions, tag: str):
    from soar.data import Problem
    from soar.toy import toy_answer
    return [Problem(id=f'{tag}-{i}', source='bench', problem=q, answer=toy_answer(q)) for i, q in enumerate(questions)]


def mixed(s: int, seed: int, n: int = 16):
    "`s` stepping stones then distractors: 7-8-term sums or products (60:40), as the untrained teacher writes them."
    from soar.toy import toy_product
    r = random.Random(seed)
    qs = [_sum(r, [4, 5, 6]) if i < s else _sum(r, [7, 8]) if r.random() < 0.6 else toy_product(r)[0] for i in range(n)]
    return _problems(qs, f'mix{s}-{seed}')


def pure(kind: str, seed: int, n: int = 16):
    "`n` questions of one kind: stones (4-6-term sums), long (7-8-term sums) or products."
    from soar.toy import toy_product
    r = random.Random(seed)
    qs = [toy_product(r)[0] if kind == 'product' else _sum(r, [4, 5, 6] if kind == 'stone' else [7, 8]) for _ in range(n)]
    return _problems(qs, f'{kind}-{seed}')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--seeds', default='0,1'); ap.add_argument('--settings', default='3e-4:8,1e-4:8,2e-4:16')
    ap.add_argument('--stones', default='0,2,4,6'); ap.add_argument('--steps', type=int, default=8)
    ap.add_argument('--steps-after', type=int, default=10)
    ap.add_argument('--out', default='bench/toy/results/toy_student_lr.json')
    a = ap.parse_args()
    import torch
    torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))
    from dataclasses import replace
    from soar.toy import toy_model_path, toy_problems
    from soar.policy import load_policy
    from soar.generation import make_generator
    from soar.rloo import train_student
    from soar.config import make_config
    from soar.inner import greedy_accuracy
    cfg = make_config('toy')
    pol = load_policy(toy_model_path()); gen = make_generator(pol); base = pol.snapshot()
    probe = toy_problems('add7', 32, seed=0)
    seeds = [int(x) for x in a.seeds.split(',')]
    acc = lambda: greedy_accuracy(gen, probe, prompts='toy', verifier='integer', max_new_tokens=cfg.student.max_new_tokens)[0]
    train = lambda qs, steps, lr, batch, seed: train_student(pol, qs, steps, replace(cfg.student, lr=lr, batch_size=batch),
                                                             generator=gen, verifier='integer', prompts='toy', seed=seed,
                                                             progress=False)
    res = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
               machine=platform.processor() or platform.machine(), cpu_count=os.cpu_count(),
               load=subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip(),
               student=cfg.student.__dict__, steps=a.steps, steps_after=a.steps_after, seeds=seeds, runs=[])
    t0 = time.perf_counter()
    pol.restore(base); train(pure('stone', 0), 10, 2e-4, 16, 0)
    habit = pol.snapshot(); res['habit_accuracy'] = acc(); print('habit student add7 greedy', res['habit_accuracy'], flush=True)
    starts = (('base', base, [(f'stones={s}', s) for s in map(int, a.stones.split(','))], a.steps),
              ('habit', habit, [(k, k) for k in ('stone', 'long', 'product')], a.steps_after))
    before = {'base': 0.0, 'habit': res['habit_accuracy']}
    pol.restore(base); before['base'] = acc()
    for setting in a.settings.split(','):
        lr, batch = float(setting.split(':')[0]), int(setting.split(':')[1])
        for start, state, sets, steps in starts:
            for name, spec in sets:
                for seed in seeds:
                    pol.restore(state)
                    qs = mixed(spec, seed) if start == 'base' else pure(spec, seed)
                    logs = train(qs, steps, lr, batch, seed)
                    row = dict(lr=lr, batch=batch, start=start, data=name, seed=seed, accuracy_before=before[start],
                               accuracy_after=acc(), train_accuracy=[round(r['accuracy'], 3) for r in logs])
                    res['runs'].append(row); print(json.dumps(row), flush=True)
    pol.restore(base)
    res['seconds'] = round(time.perf_counter() - t0, 1)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=1))
    print('wrote', a.out)


if __name__ == '__main__':
    main()
