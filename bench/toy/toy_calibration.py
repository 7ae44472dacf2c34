"""Calibration of the toy preset: how far one inner loop moves Q_R, per base-teacher dataset, learning rate and step.

For each student learning rate and each of `--datasets` datasets that the *base* teacher writes (n = 16 questions,
seeded), a fresh copy of the base student is trained with the toy preset's inner-loop settings (batch 8, group 4; bench/archive/toy_calibration_group8.json:
the same at group 8, the preset's group before)
and its greedy accuracy on the preset's Q_R (24 problems of the fail@128-filtered add7 D_train) is read every 2
steps. The spread of these accuracies across datasets at the preset's inner-step count is what gives the teacher
a signal: if every dataset leaves Q_R at 0 (or every one at 1), all g dataset rewards are equal and the teacher
gets no gradient. nbs/13_toy.ipynb (section Calibration) shows the table.

Not a test: nothing is asserted. Writes bench/toy/results/toy_calibration.json.
Usage: OMP_NUM_THREADS=1 python bench/toy/toy_calibration.py [--lrs 2e-4,3e-4] [--datasets 6] [--steps 10]
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, tempfile, time
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--lrs', default='2e-4,3e-4'); ap.add_argument('--datasets', type=int, default=6)
    ap.add_argument('--steps', type=int, default=10); ap.add_argument('--out', default='bench/toy/results/toy_calibration.json')
    a = ap.parse_args()
    import numpy as np, torch
    torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))
    from soar.config import make_config
    from soar.experiment import resolve_model, run_filter
    from soar.inner import greedy_accuracy
    from soar.outer import sample_parsable, partition
    from soar.policy import load_policy
    from soar.generation import make_generator
    from soar.prompts import format_teacher
    from dataclasses import replace
    from soar.rloo import train_student
    from soar.toy import toy_answer
    cfg = make_config('toy'); mp = resolve_model(cfg)
    with tempfile.TemporaryDirectory() as td: d_train, _, _ = run_filter(cfg, mp, Path(td), progress=False)
    q_r = [d_train[i] for i in np.random.default_rng(0).choice(len(d_train), size=cfg.qr_size, replace=False)]
    pol = load_policy(mp); gen = make_generator(pol); base = pol.snapshot()
    rows, t0 = [], time.perf_counter()
    for k in range(a.datasets):
        pol.restore(base)
        acc, _, _ = sample_parsable(gen, format_teacher(cfg.prompts), cfg.n, 1000 + k, cfg.verifier, cfg.teacher.temperature,
                                    cfg.teacher.max_new_tokens)
        ds = partition(acc, 1, cfg.n, 0)[0]
        terms = [len(q.problem.split('+')) for q in ds]
        for lr in [float(x) for x in a.lrs.split(',')]:
            pol.restore(base); track = {}
            def log(row):
                if (row['step'] + 1) % 2 == 0:
                    track[row['step'] + 1] = greedy_accuracy(gen, q_r, cfg.prompts, cfg.verifier, cfg.student.max_new_tokens)[0]
            train_student(pol, ds, a.steps, replace(cfg.student, lr=lr), generator=gen, verifier=cfg.verifier,
                          prompts=cfg.prompts, seed=k, progress=False, log=log)
            rows.append(dict(dataset=k, lr=lr, share_4_to_6=float(np.mean([4 <= t <= 6 for t in terms])),
                             wrong_answers=sum(q.answer != toy_answer(q.problem) for q in ds), qr_greedy=track))
            print(json.dumps(rows[-1]), flush=True)
    pol.restore(base)
    res = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'), machine=platform.processor() or platform.machine(),
               cpu_count=os.cpu_count(), threads=torch.get_num_threads(), preset_inner_steps=cfg.inner_steps, preset_student_group=cfg.student.group_size,
               preset_student_lr=cfg.student.lr, qr_size=len(q_r), d_train=len(d_train), seconds=round(time.perf_counter() - t0, 1), rows=rows)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=1))
    print('wrote', a.out)


if __name__ == '__main__': main()
