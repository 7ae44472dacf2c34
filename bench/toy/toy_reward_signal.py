"""What the grounded reward sees in the toy world: each dataset's reward against what the dataset holds.

Reads finished (or partial) grounded SOAR run directories and, for every outer step before the student had any gain
(baseline accuracy on Q_R still 0), pairs each dataset's reward R_k with its counts of stepping stones with a right
answer, 4-term sums, products, long and short sums (soar.toy.toy_question_kind). Reports the correlation of the reward
with each count, and the mean reward and share of rewarded datasets per number of right stones. A teacher can only
learn what this signal carries. Not a test: nothing is asserted.

Usage: python bench/toy/toy_reward_signal.py --label NAME RUN_DIR ... [--out bench/toy/results/toy_reward_signal.json]
Each call appends one entry (its label, the runs, the table) to the JSON file.
"""
from __future__ import annotations
import argparse, collections, datetime, json
from pathlib import Path


def dataset_rows(run_dir) -> list[dict]:
    "One row per dataset of each step before any gain: its reward and what it holds."
    from soar.toy import toy_question_kind, toy_answer
    from soar.utils import read_jsonl
    d, rows = Path(run_dir), []
    for r in read_jsonl(d / 'metrics.jsonl'):
        if r.get('dataset_rewards') is None or r['base_accuracy'] > 0: continue
        qs = read_jsonl(d / 'teacher_samples' / f"step_{r['step']:04d}.jsonl")
        for k, R in enumerate(r['dataset_rewards']):
            ds = [q for q in qs if q['dataset'] == k]
            kinds = collections.Counter(toy_question_kind(q['question']) for q in ds)
            rows.append(dict(run=d.name, step=r['step'], k=k, reward=R, n=len(ds),
                             right_stones=sum(toy_question_kind(q['question']) == 'stone' and q['answer'] == toy_answer(q['question']) for q in ds),
                             sums4=sum(q['question'].count('+') == 3 for q in ds), products=kinds['product'], long=kinds['long'], short=kinds['short']))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('runs', nargs='+'); ap.add_argument('--label', required=True)
    ap.add_argument('--out', default='bench/toy/results/toy_reward_signal.json')
    a = ap.parse_args()
    import numpy as np, pandas as pd
    df = pd.DataFrame([x for d in a.runs for x in dataset_rows(d)])
    corr = {c: round(float(np.corrcoef(df.reward, df[c])[0, 1]), 3) for c in ('right_stones', 'sums4', 'products', 'long', 'short')}
    by = df.groupby('right_stones').reward.agg(datasets='size', mean_reward='mean', rewarded=lambda x: (x > 0).mean()).round(3)
    entry = dict(label=a.label, runs=[str(Path(d)) for d in a.runs], datasets=len(df), corr=corr,
                 by_right_stones=json.loads(by.reset_index().to_json(orient='records')),
                 date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'))
    out = Path(a.out); res = json.loads(out.read_text()) if out.exists() else dict(entries=[])
    res['entries'] = [e for e in res['entries'] if e['label'] != a.label] + [entry]
    out.parent.mkdir(parents=True, exist_ok=True); out.write_text(json.dumps(res, indent=1))
    print(len(df), 'datasets;', 'correlation with the reward:', corr); print(by.to_string())


if __name__ == '__main__':
    main()
