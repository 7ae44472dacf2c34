"""Summary of finished toy reproductions (`soar reproduce` folders), one entry per folder: what was changed from the
preset, the stage times, per grounded run the promotions and the share of outer steps with a teacher signal, and per
method the test pass@32 and pass@1 of every student seed at the checkpoint rule (seed s + 1000 j: student j of teacher
seed s), what each student trained on (share of stepping stones, products, long sums and right answers), the
teacher's lr and KL, and the fail@k split it used (before the fix of
`soar.filtering.model_fingerprint`, chains on this machine read the previous toy model's fail@128 results from the
cache: 58 of 64 kept instead of 64).

Made to keep a record of chains run with variants of the preset (for example `--set student_group=4`) that are not
published as reports. Not a test: nothing is asserted. Adds to bench/toy/results/toy_chains.json (or --out): a folder
already recorded is replaced, the others are kept.
Usage: python bench/toy/toy_chains.py DIR [DIR ...] [--out FILE]
"""
from __future__ import annotations
import argparse, datetime, json
from pathlib import Path
from soar.config import load_config


def summarize(d: Path) -> dict:
    plan = json.loads((d/'reproduce.json').read_text())
    stages = {s: json.loads((d/s/'DONE.json').read_text())['seconds'] for s in ('filter', 'soar', 'eval', 'analysis', 'report')
              if (d/s/'DONE.json').exists()}
    runs, student, teacher = {}, None, None
    for r in sorted((d/'soar').glob('*-seed*')):
        if student is None and (r/'config.json').exists():      # the student as run (the preset's group changed 8 -> 4)
            st = json.loads((r/'config.json').read_text())['student']
            student = dict(batch_size=st['batch_size'], group_size=st['group_size'], lr=st['lr'])
            c = load_config(r/'config.json'); teacher = dict(lr=c.teacher.lr, beta=c.teacher.beta)   # flat (earlier runs) or nested
        if r.is_dir() and (r/'summary.json').exists():
            s = json.loads((r/'summary.json').read_text())
            runs[r.name] = dict(promotions=s['promotions'], signal_share=round(s['signal_share'], 3), total_s=s['total_s'])
    methods, pass1, questions = {}, {}, {}
    from soar.toy import toy_teacher_profile
    for f in sorted((d/'eval'/'main').glob('*/source*-seed*.json')):
        e = json.loads(f.read_text())
        if e.get('synthetic'):                                   # what each fresh student trained on: kinds, right answers
            p = toy_teacher_profile([(q['problem'], q['answer']) for q in e['synthetic']])
            questions.setdefault(f.parent.name, {})[str(e['seed'])] = {k: round(p[k], 3) for k in ('stone', 'product', 'long', 'correct')}
        methods.setdefault(f.parent.name, {})[str(e['seed'])] = round(e['checkpoint']['pass_at_k']['32'], 4)
        pass1.setdefault(f.parent.name, {})[str(e['seed'])] = round(e['checkpoint']['pass_at_k']['1'], 4)
    sp = json.loads((d/'filter'/'split.json').read_text())      # the fail@k split the chain trained and tested on
    split = dict(pool=sp['meta']['pool'], kept=sp['meta']['kept'], d_train=len(sp['train']), d_test=len(sp['test']))
    return dict(dir=str(d), seeds=plan['seeds'], split=split, changed=dict(soar=plan['soar'], eval=plan['eval'],
                students_per=plan.get('students_per', {})), student=student, teacher=teacher, stage_seconds=stages,
                total_seconds=round(sum(stages.values()), 1), soar_runs=runs, pass32_at_checkpoint=methods,
                pass1_at_checkpoint=pass1, questions=questions)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('dirs', nargs='+'); ap.add_argument('--out', default='bench/toy/results/toy_chains.json')
    a = ap.parse_args()
    new = [summarize(Path(x)) for x in a.dirs]
    old = json.loads(Path(a.out).read_text())['chains'] if Path(a.out).exists() else []   # keep the chains recorded before
    res = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
               chains=[c for c in old if c['dir'] not in {n['dir'] for n in new}] + new)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=1))
    for c in new: print(c['dir'], c['seeds'], c['changed']['soar'], c['total_seconds'], 's')
    print('wrote', a.out)


if __name__ == '__main__': main()
