"""What toy SOAR runs' teachers write, step by step: a record of calibration runs of the toy world.

Runs (or reads, if already finished) single SOAR runs of the toy preset with `--set` overrides and records, per outer
step, the reward, the promotion and the share of each kind of question the teacher wrote (soar.toy.toy_question_kind:
stepping stones, long sums, short sums, products) and of right answers (soar.plots.teacher_questions).
nbs/13_toy.ipynb (section Calibration) shows the table. Not a test: nothing is asserted.

Usage: OMP_NUM_THREADS=1 python bench/toy/toy_teacher.py --runs grounded:2,intrinsic:2 --root /tmp/toy-teacher \
           --set outer_steps=12 teacher.lr=2e-4 [--label NAME] [--out bench/toy/results/toy_teacher.json]
Each call appends its runs (with its label and overrides) to the JSON file.
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, time
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--runs', required=True, help='mode:seed,... (mode: grounded, intrinsic)')
    ap.add_argument('--root', required=True, help='folder for the run directories (kept)')
    ap.add_argument('--set', nargs='*', default=[], help='toy preset overrides, key=value')
    ap.add_argument('--label', default=''); ap.add_argument('--out', default='bench/toy/results/toy_teacher.json')
    a = ap.parse_args()
    import torch
    torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))
    from soar.experiment import run_soar
    from soar.plots import teacher_questions
    sets = dict(s.split('=', 1) for s in a.set)
    out = Path(a.out); res = json.loads(out.read_text()) if out.exists() else dict(runs=[])
    for job in a.runs.split(','):
        mode, seed = job.split(':')
        d = Path(a.root) / f'{mode}-{seed}'
        t0 = time.perf_counter()
        s = run_soar('toy', dict(sets, teacher_mode=mode, seed=seed), d, resume=(d / 'config.json').exists(), progress=False)
        df = teacher_questions(d)
        res['runs'].append(dict(label=a.label, mode=mode, seed=int(seed), overrides=sets, promotions=s['promotions'],
                                stage_accuracy=[round(x['d_train_accuracy'], 3) for x in s['stage_accuracy']],
                                seconds=round(time.perf_counter() - t0), load=os.getloadavg()[0],
                                date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
                                machine=platform.processor() or platform.machine(),
                                steps=json.loads(df.round(4).to_json(orient='records'))))
        out.parent.mkdir(parents=True, exist_ok=True); out.write_text(json.dumps(res, indent=1))
        print(f"{d}: {res['runs'][-1]['seconds']} s, promotions {s['promotions']}", flush=True)
        print(df.round(3).to_string(index=False), flush=True)


if __name__ == '__main__':
    main()
