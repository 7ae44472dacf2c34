"""What the shipped toy world model does, as a student and as a teacher: the record behind nbs/13_toy.ipynb's Calibration.

As a teacher: the kinds of question (soar.toy.toy_question_kind) and the share of right answers in 512 samples.
As a student: per family the share of careful answers (toy_careful_share) and of right samples, and the share of
right answers on the 64 products of two digits 2-9 (16 samples each). Optionally (--eval-seeds) the Base-T row of
`soar reproduce --preset toy` for those seeds (fresh students on 128 base-teacher questions + D_train), and (--runs)
per-step teacher profiles of finished SOAR run directories. Not a test: nothing is asserted.
Usage: OMP_NUM_THREADS=1 python bench/toy/toy_world_profile.py [--eval-seeds 1,2,3] [--runs DIR ...] [--out FILE]
       python bench/toy/toy_world_profile.py --runs DIR ... --runs-only   (re-read the runs into an existing FILE, nothing else)
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, tempfile
from collections import Counter
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--eval-seeds', default=''); ap.add_argument('--runs', nargs='*', default=[])
    ap.add_argument('--out', default='bench/toy/results/toy_world.json'); ap.add_argument('--runs-only', action='store_true')
    ap.add_argument('--model', default=None, help='a toy model folder to profile (default: the shipped one)')
    ap.add_argument('--no-student', action='store_true', help='the teacher profile only')
    a = ap.parse_args()
    if a.runs_only:
        from soar.plots import teacher_questions
        res = json.loads(Path(a.out).read_text())
        res['runs'] = {Path(d).name: json.loads(teacher_questions(d).round(4).to_json(orient='records')) for d in a.runs}
        Path(a.out).write_text(json.dumps(res, indent=1)); print(list(res['runs'])); return
    import torch
    torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))
    from soar.toy import (toy_model_path, toy_answer, toy_question_kind, toy_family_accuracy, toy_careful_share, toy_problems,
                          TOY_KINDS, TOY_WEIGHTS_SHA256, ToyConfig)
    from soar.policy import load_policy
    from soar.generation import make_generator, SamplingParams, generate_and_grade
    from soar.prompts import parse_teacher_output, format_teacher
    from soar.data import Problem
    from soar.plots import teacher_questions
    from soar.utils import file_sha256
    mdir = Path(a.model) if a.model else toy_model_path()
    pol = load_policy(mdir); gen = make_generator(pol)
    tcfg_model = json.loads((mdir / 'toy.json').read_text())['config']
    outs = gen.generate([format_teacher('toy')], SamplingParams(n=512, temperature=1.0, max_new_tokens=160, seed=3))[0]
    qa = [x for x in (parse_teacher_output(c.text, 'integer') for c in outs) if x is not None]
    kinds = Counter(toy_question_kind(q) for q, _ in qa)
    right = Counter(toy_question_kind(q) for q, a_ in qa if toy_question_kind(q) != 'other' and a_ == toy_answer(q))
    teacher = dict(samples=len(outs), parsed=len(qa), **{k: round(kinds[k] / len(qa), 4) for k in TOY_KINDS},
                   correct=round(sum(right.values()) / len(qa), 4), correct_by_kind={k: round(right[k] / kinds[k], 3) for k in kinds})
    res = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'), machine=platform.processor() or platform.machine(),
               model=str(mdir), weights_sha256=file_sha256(mdir / 'model.safetensors'), teacher_terms=tcfg_model['teacher_terms'],
               product_frac=tcfg_model['product_frac'], teacher=teacher)
    if a.no_student:
        Path(a.out).write_text(json.dumps(res, indent=1)); print(json.dumps(res, indent=1)); return
    fams = [f'add{k}' for k in range(2, 9)]
    acc = toy_family_accuracy(gen, families=fams, n=32, samples=16)
    careful = {f: round(toy_careful_share(pol, toy_problems(f, 32, 1000)), 5) for f in fams}
    prods = [Problem(id=f'p{x}{y}', source='toy', problem=f'{x}*{y}', answer=str(x * y)) for x in range(2, 10) for y in range(2, 10)]
    ok, _ = generate_and_grade(gen, prods, SamplingParams(n=16, temperature=1.0, max_new_tokens=24, seed=5), prompts='toy', verifier='integer')
    student = dict(careful=careful, sample_accuracy={f: round(v['accuracy'], 4) for f, v in acc.items()},
                   product_accuracy=round(sum(map(sum, ok)) / sum(map(len, ok)), 4))
    res['student'] = student
    if a.eval_seeds:
        from soar.plan import make_plan, soar_config, eval_setup
        from soar.experiment import resolve_model, run_filter
        from soar.evaluation import EvalTask, run_evaluation, teacher_method
        seeds = [int(s) for s in a.eval_seeds.split(',')]
        plan = make_plan('toy', seeds, {'model': str(mdir)} if a.model else None); cfg = soar_config(plan); mp = resolve_model(cfg)
        with tempfile.TemporaryDirectory() as td:
            tr, te, _ = run_filter(cfg, mp, Path(td), progress=False)
            ec, tcfg = eval_setup(plan, cfg)
            ev = run_evaluation([teacher_method('Base-T', [mp])], EvalTask('main', str(mp), tr, te, config=tcfg), ec, seeds=seeds,
                                out_dir=Path(td) / 'eval', progress=False)
        res['base_t'] = dict(seeds=seeds, **{f'pass@{k}': [round(d[k], 4) for d in ev.per_seed()['Base-T']] for k in (1, 32)})
    res['runs'] = {Path(d).name: json.loads(teacher_questions(d).round(4).to_json(orient='records')) for d in a.runs}
    Path(a.out).write_text(json.dumps(res, indent=1))
    print(json.dumps({k: v for k, v in res.items() if k != 'runs'}, indent=1))


if __name__ == '__main__':
    main()
