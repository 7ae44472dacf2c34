"""How many MATH test problems the numeric second stage could move across the fail@k line (issue 24, `grader`).

The `paper` preset grades with Math-Verify only (`grader='math-verify'`, B.3 "we use the Math-Verify package");
the other presets add the numeric second stage (`'math-verify+numeric'`, soar.equivalence). The second stage only
turns a "no" into a "yes", so with it on a problem can only *leave* the fail@k set (one sampled answer accepted is
enough). The real effect needs Llama-3.2-3B's 128 samples per problem, which this machine cannot produce. The proxy:

- for every one of the 5000 MATH test problems, the true rewrites of its gold answer in the forms the second stage
  was built for (bench/grading/grading_stage2.py's `variants`: decimals of terminating fractions, thin-space thousands and
  scientific notation of integers >= 1000, complex numbers as one fraction / expanded / decimals, logarithms by change
  of base, radicals as powers); each graded against the gold by `MathVerifier(stage2=False)` and `MathVerifier()`;
- `exposed`: problems with at least one rewrite that only the second stage accepts. Only these can change side of
  the fail@k line: with the second stage off, such a problem moves *into* the fail set if every one of its correct
  samples used a rescued form. So `exposed` is an upper bound on the number of problems the grader key moves, not
  an estimate: a problem that is ever answered in the gold's own form (accepted by both) does not move.
- false positives: bench/grading/results/grading_stage2.json already checks that the second stage accepts no wrong answer
  on 10,454 near misses and 10,454 other-problem answers of the three benchmarks (0 flips), so no problem leaves the
  fail set through a wrongly accepted answer in that check.

Writes bench/grading/results/numeric_stage_split.json. Usage: SOAR_DATA_DIR=... python bench/grading/numeric_stage_split.py [--out FILE]
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, subprocess, sys, time
from collections import Counter
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1')
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', default='bench/grading/results/numeric_stage_split.json'); a = ap.parse_args()
    from soar.utils import data_dir, read_jsonl, atomic_write_json
    from soar.grading import MathVerifier
    from grading_stage2 import _variants_of
    rows = read_jsonl(data_dir()/'math_test.jsonl')
    mv, mvn = MathVerifier(stage2=False, cache_size=0), MathVerifier(cache_size=0)
    t0 = time.perf_counter(); per, kinds = [], Counter()
    for i, r in enumerate(rows):
        vs = _variants_of(('math_test.jsonl', r['answer']))
        rescued = [v for v in vs if not mv.is_equiv(v, r['answer']) and mvn.is_equiv(v, r['answer'])]
        lost = [v for v in vs if mv.is_equiv(v, r['answer']) and not mvn.is_equiv(v, r['answer'])]
        if vs: per.append(dict(id=r['id'], gold=r['answer'], variants=len(vs), rescued=rescued, lost=lost))
        if (i + 1) % 500 == 0: print(i + 1, sum(bool(p['rescued']) for p in per), round(time.perf_counter() - t0), flush=True)
    exposed = [p for p in per if p['rescued']]
    subj = Counter(p['id'].split('/')[1] for p in exposed)
    out = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
               machine=platform.processor() or platform.machine(), cpu_count=os.cpu_count(),
               load=subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip(),
               seconds=round(time.perf_counter() - t0, 1),
               measures=("MATH test problems with >= 1 true rewrite of the gold answer that Math-Verify alone rejects "
                         "and the numeric second stage accepts: an upper bound on the problems whose fail@k membership "
                         "the grader key can change (into the fail set with the second stage off); not an estimate"),
               problems=len(rows), problems_with_rewrites=len(per), rewrites=sum(p['variants'] for p in per),
               rewrites_rescued=sum(len(p['rescued']) for p in per), rewrites_lost=sum(len(p['lost']) for p in per),
               exposed=len(exposed), exposed_share=round(len(exposed) / len(rows), 4), exposed_by_subject=dict(subj),
               paper_split=dict(fail_set=719, train=359, test=360), examples=exposed[:40])
    atomic_write_json(Path(a.out), out)
    print(json.dumps({k: v for k, v in out.items() if k != 'examples'}, indent=1))


if __name__ == '__main__': main()
