"""What the toy teacher writes under three teacher settings (issue 22): learning rate and KL to the base teacher.

Session 10 ran grounded SOAR runs of the toy preset (8 outer steps, seeds named before running) with the teacher at
- lr 3e-4, KL 0.001 (seeds 141, 142);
- lr 3e-4, KL 0.01 (seeds 143, 144);
- lr 1e-4, KL 0.05 (seeds 145, 146), which became the preset.
This script reads such run folders (`--runs LABEL=DIR ...`): per outer step, the dataset rewards and what the teacher
wrote (the 64 questions of `teacher_samples/`, `soar.toy.toy_teacher_profile`: share of stepping stones, long sums,
products, right answers); and 512 fresh samples of its final teacher, beside 512 of the base
teacher (the shipped toy model). `--eval DIR` adds the pass@1 of the fresh students of a `soar reproduce` evaluation
stage run on these teachers (Grounded-T and Base-T, 3 students per seed). Not a test: nothing is asserted.
Writes bench/toy/results/toy_teacher_kl.json.
Usage: OMP_NUM_THREADS=1 python bench/toy/toy_teacher_kl.py --runs 'lr3e-4 KL0.001=DIR' ... [--eval DIR]
"""
from __future__ import annotations
import argparse, datetime, json, os, platform
from pathlib import Path
from soar.config import load_config
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')

KEYS = ('stone', 'long', 'short', 'product', 'correct')


def _r(p: dict) -> dict: return {k: round(p[k], 3) for k in KEYS} | {'n': p['n']}


def run_steps(d: Path) -> list[dict]:
    "Per outer step: rewards, promotion, and what the teacher wrote."
    from soar.toy import toy_teacher_profile
    met = {(r := json.loads(l))['step']: r for l in (d/'metrics.jsonl').read_text().splitlines() if l.strip()}
    rows = []
    for f in sorted((d/'teacher_samples').glob('step_*.jsonl')):
        items = [json.loads(l) for l in f.read_text().splitlines() if l.strip()]
        s = items[0]['step']; m = met.get(s)
        rows.append(dict(step=s, rewards=[round(x, 3) for x in m['dataset_rewards']] if m else None,
                         promoted=m['promoted'] if m else None, teacher_kl=m.get('teacher_kl') if m else None,
                         **_r(toy_teacher_profile(items))))
    return rows


def final_profile(teacher_dir, n: int = 512, seed: int = 7) -> dict:
    "What `n` fresh samples of a teacher write (the toy teacher prompt, temperature 1, the preset's 144 new tokens)."
    import soar.toy                                    # registers the toy prompts
    from soar.generation import make_generator
    from soar.policy import load_policy
    from soar.prompts import format_teacher
    from soar.teacher import sample_parsable
    gen = make_generator(load_policy(teacher_dir))
    acc, _, _ = sample_parsable(gen, format_teacher('toy'), n, seed, verifier='integer', max_new_tokens=144)
    return _r(soar.toy.toy_teacher_profile([(q, a) for q, a, _ in acc]))


def eval_students(d: Path) -> dict:
    "pass@1 and pass@32 of each fresh student of an evaluation stage, by method and seed."
    out = {}
    for m in ('Grounded-T', 'Base-T'):
        for f in sorted((d/'eval'/'main'/m).glob('*.json')):
            r = json.loads(f.read_text()); pk = r['checkpoint']['pass_at_k']
            out.setdefault(m, {})[str(r['seed'])] = dict(pass1=round(pk['1'], 3), pass32=round(pk['32'], 3))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--runs', nargs='+', required=True, help='LABEL=DIR: a run folder and its setting')
    ap.add_argument('--eval', default=None, help='a reproduce folder whose eval stage ran on some of these teachers')
    ap.add_argument('--result', default=str(Path(__file__).parent/'results'/'toy_teacher_kl.json'))
    a = ap.parse_args()
    from soar.toy import toy_model_path
    res = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'), machine=platform.machine(),
               cpu_count=os.cpu_count(), base_teacher=final_profile(toy_model_path()), runs=[])
    for spec in a.runs:
        label, d = spec.split('=', 1); d = Path(d)
        cfg = load_config(d/'config.json')                      # flat (earlier runs) or nested
        done = (d/'teacher').is_dir()
        res['runs'].append(dict(label=label, seed=cfg.seed, teacher_lr=cfg.teacher.lr, teacher_beta=cfg.teacher.beta,
                                finished=done, steps=run_steps(d), final=final_profile(d/'teacher') if done else None))
        print(label, cfg.seed, res['runs'][-1]['final'], flush=True)
    if a.eval: res['eval'] = eval_students(Path(a.eval))
    Path(a.result).write_text(json.dumps(res, indent=1) + '\n')
    print('wrote', a.result)


if __name__ == '__main__':
    main()
