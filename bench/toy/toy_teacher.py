"""What toy SOAR runs' teachers write, step by step: a record of calibration runs of the toy world.

Runs (or reads, if already finished) single SOAR runs of the toy preset with `--set` overrides and records, per outer
step, the reward, the promotion and the share of each kind of question the teacher wrote (soar.toy.toy_question_kind:
stepping stones, long sums, short sums, products) and of right answers (soar.plots.teacher_questions).
nbs/13_toy.ipynb (section Calibration) shows the table. Not a test: nothing is asserted.

Each step also records the best dataset's reward (`reward_max`), whether the teacher was updated (`teacher.min_gain`
decides that) and its KL to the reference teacher: what each update did to what the teacher writes.

Usage: OMP_NUM_THREADS=1 python bench/toy/toy_teacher.py --runs grounded:2,intrinsic:2 --root /tmp/toy-teacher \
           --set outer_steps=12 teacher.lr=2e-4 [--label NAME] [--out bench/toy/results/toy_teacher.json]
       python bench/toy/toy_teacher.py --read LABEL=RUN_DIR [LABEL=RUN_DIR ...]   (finished runs: a `soar run` folder, or
           a chain's DIR/soar/grounded-seed321; their overrides are read from their config.json)
Each call appends its runs (with its label and overrides) to the JSON file.
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, time
import pandas as pd
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')


def steps(d: Path) -> list[dict]:
    "Per outer step of the run in `d`: `soar.plots.teacher_questions` (reward, promotion, kinds, right answers), plus the best dataset's reward, whether the teacher was updated, and its KL."
    from soar.plots import teacher_questions
    from soar.utils import read_jsonl
    df = teacher_questions(d)
    m = {r['step']: r for r in read_jsonl(d / 'metrics.jsonl')}
    df['reward_max'] = [max(m[s]['dataset_rewards']) if m.get(s, {}).get('dataset_rewards') else None for s in df.step]
    df['teacher_updated'] = [m.get(s, {}).get('teacher_updated') for s in df.step]
    df['teacher_kl'] = [m.get(s, {}).get('teacher_kl') for s in df.step]
    return json.loads(df.round(4).to_json(orient='records'))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--runs', default='', help='mode:seed,... (mode: grounded, intrinsic)')
    ap.add_argument('--root', help='folder for the run directories (kept)')
    ap.add_argument('--read', nargs='*', default=[], help='LABEL=RUN_DIR: record a finished run instead')
    ap.add_argument('--set', nargs='*', default=[], help='toy preset overrides, key=value')
    ap.add_argument('--label', default=''); ap.add_argument('--out', default='bench/toy/results/toy_teacher.json')
    a = ap.parse_args()
    import torch
    torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))
    from soar.experiment import run_soar
    sets = dict(s.split('=', 1) for s in a.set)
    out = Path(a.out); res = json.loads(out.read_text()) if out.exists() else dict(runs=[])
    if a.runs and not a.root: raise SystemExit('toy_teacher: --runs needs --root')
    for item in a.read:                                   # finished runs: read, never re-run
        label, _, d = item.partition('=')
        if not d: raise SystemExit(f'toy_teacher: --read {item!r}: expected LABEL=RUN_DIR')
        d = Path(d); cfg = json.loads((d / 'config.json').read_text()); s = json.loads((d / 'summary.json').read_text())
        t = cfg.get('teacher', {})
        res['runs'] = [r for r in res['runs'] if r['label'] != label] + [dict(
            label=label, dir=str(d), mode=cfg.get('teacher_mode'), seed=cfg.get('seed'),
            overrides=dict(teacher_lr=t.get('lr'), teacher_min_gain=t.get('min_gain'), teacher_train_on=t.get('train_on')),
            promotions=s['promotions'], stage_accuracy=[round(x['d_train_accuracy'], 3) for x in s['stage_accuracy']],
            seconds=s.get('total_s'), date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
            steps=steps(d))]
        out.parent.mkdir(parents=True, exist_ok=True); out.write_text(json.dumps(res, indent=1))
        print(f"{label} ({d}): promotions {s['promotions']}")
        print(pd.DataFrame(res['runs'][-1]['steps']).round(3).to_string(index=False), flush=True)
    for job in filter(None, a.runs.split(',')):
        mode, seed = job.split(':')
        d = Path(a.root) / f'{mode}-{seed}'
        t0 = time.perf_counter()
        s = run_soar('toy', dict(sets, teacher_mode=mode, seed=seed), d, resume=(d / 'config.json').exists(), progress=False)
        rows = steps(d); df = pd.DataFrame(rows)
        res['runs'].append(dict(label=a.label, mode=mode, seed=int(seed), overrides=sets, promotions=s['promotions'],
                                stage_accuracy=[round(x['d_train_accuracy'], 3) for x in s['stage_accuracy']],
                                seconds=round(time.perf_counter() - t0), load=os.getloadavg()[0],
                                date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
                                machine=platform.processor() or platform.machine(),
                                steps=rows))
        out.parent.mkdir(parents=True, exist_ok=True); out.write_text(json.dumps(res, indent=1))
        print(f"{d}: {res['runs'][-1]['seconds']} s, promotions {s['promotions']}", flush=True)
        print(df.round(3).to_string(index=False), flush=True)


if __name__ == '__main__':
    main()
