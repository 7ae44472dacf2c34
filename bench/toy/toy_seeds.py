"""Grounded SOAR on the toy preset across seeds: does every run get a teacher signal, does it promote, how often twice?

Runs `soar.experiment.run_soar('toy', {'seed': s, 'outer_steps': 6})` for each seed into OUT/grounded-seed<s>
(the reproduce plan's SOAR runs: 6 outer steps), or, with --collect, only reads existing run directories (for
example a reproduction's soar/grounded-seed* folders). Writes per run: outer steps, signal share (steps whose dataset
rewards differ), promotions and their steps, and the greedy D_train accuracy per stage when recorded.
Seeds are chosen before running and every one is reported. Not a test: nothing is asserted.

Usage: OMP_NUM_THREADS=1 python bench/toy/toy_seeds.py --seeds 16,17 --out runs/toy-seeds [--collect DIR ...]
       writes bench/toy/results/toy_seeds.json (or --result PATH)
"""
from __future__ import annotations
import argparse, datetime, json, os, platform
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')


def summarise(d: Path) -> dict:
    from soar.plots import signal_share
    from soar.utils import read_jsonl
    rows = read_jsonl(d/'metrics.jsonl')
    st = d/'stage_accuracy.jsonl'
    return dict(run=d.name, seed=json.loads((d/'config.json').read_text())['seed'], steps=len(rows),
                signal_share=signal_share(rows), promotions=rows[-1]['n_promotions'] if rows else 0,
                promotion_steps=[r['step'] for r in rows if r['promoted']],
                stage_accuracy=read_jsonl(st) if st.exists() else None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--seeds', default=''); ap.add_argument('--out', default='runs/toy-seeds')
    ap.add_argument('--collect', nargs='*', default=[]); ap.add_argument('--result', default='bench/toy/results/toy_seeds.json')
    a = ap.parse_args()
    from soar.experiment import run_soar
    dirs = [Path(p) for p in a.collect]
    for s in [int(x) for x in a.seeds.split(',') if x.strip()]:
        d = Path(a.out)/f'grounded-seed{s}'
        run_soar('toy', dict(seed=s, outer_steps=6), d, resume=d.exists(), progress=False)
        dirs.append(d)
    runs = sorted((summarise(d) for d in dirs), key=lambda r: r['seed'])
    res = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
               machine=platform.processor() or platform.machine(), cpu_count=os.cpu_count(), runs=runs,
               promoted=sum(r['promotions'] > 0 for r in runs), promoted_twice=sum(r['promotions'] > 1 for r in runs),
               n=len(runs), mean_signal_share=sum(r['signal_share'] for r in runs) / max(len(runs), 1))
    Path(a.result).parent.mkdir(parents=True, exist_ok=True); Path(a.result).write_text(json.dumps(res, indent=1))
    print(json.dumps({k: v for k, v in res.items() if k != 'runs'}))


if __name__ == '__main__': main()
