"""What the teachers of SOAR runs in a toy world of longer sums write, step by step: the share of each length of sum
(2-3, 4, 5-6, 7-8, 9+ terms) and of products, the share of right answers (the exact oracle), the step's reward and
whether it promoted. It reads run directories (`metrics.jsonl`, `teacher_samples/`) and writes one JSON. Made for the
two-lesson world of issue 22 (hard set add7+add10, `ToyConfig(max_terms=10)`), where the stepping stones of the first
lesson (4-6 terms) and of the second (7-8 terms) are told apart; `soar.toy.toy_question_kind` knows only the shipped
world's kinds. Not a test: nothing is asserted.

Usage: python bench/toy/toy_mix_profile.py RUN_DIR [RUN_DIR ...] [--label NAME] [--note TEXT]
       [--result bench/toy/results/toy_mix_runs.json]    (a reproduction's runs: DIR/soar/grounded-seed221 ...)
"""
from __future__ import annotations
import argparse, datetime, json
from pathlib import Path

KINDS = ('sum2-3', 'sum4', 'sum5-6', 'sum7-8', 'sum9+', 'product', 'other')

def kind(q: str) -> str:
    if '*' in q: return 'product' if all(t.isdigit() for t in q.split('*')) else 'other'
    ts = q.split('+')
    if not all(t.isdigit() for t in ts): return 'other'
    k = len(ts)
    return 'sum2-3' if k <= 3 else 'sum4' if k == 4 else 'sum5-6' if k <= 6 else 'sum7-8' if k <= 8 else 'sum9+'

def right(q: str, a: str) -> bool:
    from soar.toy import toy_answer
    try: return toy_answer(q) == a.strip()
    except Exception: return False

def profile(run: Path) -> list[dict]:
    rows = []
    for line in (run/'metrics.jsonl').read_text().splitlines():
        m = json.loads(line)
        f = run/'teacher_samples'/f"step_{m['step']:04d}.jsonl"
        items = [json.loads(l) for l in f.read_text().splitlines()] if f.exists() else []
        n = max(len(items), 1)
        row = dict(step=m['step'], reward=m['reward'], promoted=m['promoted'], n=len(items),
                   right=round(sum(right(i['question'], i['answer']) for i in items) / n, 4))
        row.update({k: round(sum(kind(i['question']) == k for i in items) / n, 4) for k in KINDS})
        rows.append(row)
    return rows

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('runs', nargs='+'); ap.add_argument('--label', default='')
    ap.add_argument('--note', default='')
    ap.add_argument('--result', default=str(Path(__file__).parent/'results'/'toy_mix_runs.json'))
    a = ap.parse_args()
    res = json.loads(Path(a.result).read_text()) if Path(a.result).exists() else dict(runs=[])
    for r in map(Path, a.runs):
        cfg = json.loads((r/'config.json').read_text())
        rec = dict(label=a.label, run=r.name, seed=cfg.get('seed'), family=cfg.get('toy_family'), model=cfg.get('model'),
                   outer_steps=cfg.get('outer_steps'), note=a.note, steps=profile(r))
        res['runs'] = [x for x in res['runs'] if (x['label'], x['run']) != (a.label, r.name)] + [rec]
        print(r.name, 'steps', len(rec['steps']), 'promotions at', [s['step'] for s in rec['steps'] if s['promoted']])
    res.update(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'), kinds=list(KINDS))
    Path(a.result).write_text(json.dumps(res, indent=1) + '\n')

if __name__ == '__main__':
    main()
