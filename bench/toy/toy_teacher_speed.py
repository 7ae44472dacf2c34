"""How fast can the toy teacher's question distribution move? The teacher's RLOO update under an oracle reward.

No student is trained: each outer step samples g*n teacher questions as a SOAR run does, splits them into g datasets,
and rewards each dataset by what it holds (`--reward stones`: its share of stepping stones with a right answer;
`--reward step`: 1 if it holds at least `--min-stones` right stones, else 0, like a grounded reward that only sees a
dataset with enough stones). Then one RLOO update of the teacher with the toy preset's settings (`--set` overrides), through `SoarRun.update_teacher` (the run's own sampling and update).
Per step: the shares of each kind of question (soar.toy.toy_teacher_profile). An upper bound on what a grounded
teacher can learn in T outer steps: the real reward is noisier. Not a test: nothing is asserted.

Usage: OMP_NUM_THREADS=1 python bench/toy/toy_teacher_speed.py --label lr1e-4 --steps 8 --seed 231 \
           --set teacher.lr=1e-4 [--reward stones] [--out bench/toy/results/toy_teacher_speed.json]
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, time
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--label', required=True); ap.add_argument('--steps', type=int, default=8)
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--reward', default='stones', choices=('stones', 'step', 'random'))
    ap.add_argument('--min-stones', type=int, default=4)
    ap.add_argument('--lora', type=int, default=0, help='LoRA rank of the teacher (0: full fine-tuning)')
    ap.add_argument('--adam-eps', type=float, default=None, help="Adam's eps for the teacher (default: RLOOConfig's)")
    ap.add_argument('--question-only', action='store_true', help='train the teacher on its question tokens only (up to </question>)')
    ap.add_argument('--model', default=None, help='a toy model folder (default: the shipped one)')
    ap.add_argument('--set', nargs='*', default=[], help='toy preset overrides, key=value')
    ap.add_argument('--out', default='bench/toy/results/toy_teacher_speed.json')
    a = ap.parse_args()
    import tempfile, numpy as np, torch
    torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))
    from soar.config import make_config, parse_overrides
    from soar.toy import toy_model_path, toy_problems, toy_teacher_profile, toy_question_kind, toy_answer
    from soar.outer import SoarRun
    cfg = make_config('toy', **parse_overrides(a.set), seed=a.seed, model=str(a.model or toy_model_path()), lora_rank=a.lora,
                      **{'teacher.min_gain': 'none'}, **({'teacher.train_on': 'question'} if a.question_only else {}))
    tmp = tempfile.TemporaryDirectory()       # the run's teacher samples and config; no student is trained
    run = SoarRun(cfg, cfg.model, toy_problems('add7', 8), tmp.name, progress=False)
    if a.adam_eps is not None:
        for grp in run.updater.opt.param_groups: grp['eps'] = a.adam_eps
    def stones(ds): return sum(toy_question_kind(q.problem) == 'stone' and q.answer.strip() == toy_answer(q.problem) for q in ds)
    rows, t0 = [], time.perf_counter()
    for t in range(a.steps + 1):
        accepted, datasets, _ = run.sample_datasets(t)      # as an outer step samples them
        s = [stones(ds) for ds in datasets]
        if a.reward == 'stones': R = [x / cfg.n for x in s]
        elif a.reward == 'step': R = [float(x >= a.min_stones) for x in s]
        else: R = list(np.random.default_rng([a.seed, t]).random(cfg.g))     # a reward that says nothing
        prof = toy_teacher_profile([q for ds in datasets for q in ds])
        row = dict(step=t, stones_per_dataset=s, reward=R, **{k: round(v, 4) for k, v in prof.items()})
        if t < a.steps:     # the last sample only measures
            st = run.update_teacher(accepted, R)             # the outer loop's teacher update (teacher.train_on applies)
            row.update(kl=round(st['kl'], 5), grad_norm=round(st['grad_norm'], 4))
        rows.append(row)
        print(json.dumps(row), flush=True)
    out = Path(a.out); res = json.loads(out.read_text()) if out.exists() else dict(runs=[])
    res['runs'].append(dict(label=a.label, seed=a.seed, question_only=a.question_only, lora=a.lora, adam_eps=a.adam_eps, reward=a.reward, min_stones=a.min_stones, overrides=a.set,
                            model=a.model or 'shipped', g=cfg.g, n=cfg.n, seconds=round(time.perf_counter() - t0),
                            date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
                            machine=platform.processor() or platform.machine(), steps=rows))
    out.parent.mkdir(parents=True, exist_ok=True); out.write_text(json.dumps(res, indent=1))


if __name__ == '__main__':
    main()
