"""How many grading outcomes the second grading stage (issue 15) changes, on the three benchmarks' gold answers
and on a small sample of SmolLM2-135M-Instruct completions.

Two graders: "before" = the grader as it was before issue 15 (Math-Verify with our normalisation, without the
thin-space thousands rule, no second stage) and "after" = `MathVerifier()` now (thin-space rule + second stage).
Both run `MathVerifier`'s in-process layer (fast paths, screens); the worker call is replaced by the same function
run in this process's fork-pool workers under a 5 s `signal.alarm` (so that "before" can switch the rule off).
For every gold answer g of MATH test, HARP and OlympiadBench:
  near_miss   perturb(g) vs g (last digit changed, as in tests/test_grading.py): a flip to right is a new false positive
  other       the answer of a random other problem of the same file vs g: a flip to right is a new false positive
  variant     true rewrites of g in the issue's classes, made with SymPy from g's own parse: complex numbers as one
              fraction / expanded / decimals, integers >= 1000 with thin spaces and in scientific notation, rationals
              as fractions, logarithms by change of base, powers and radicals in the other notation; a flip to right
              is a recovered true answer
(g vs g itself is already right for all 10,454 answers before, and the second stage only runs on a "no".)
SmolLM2: `--smollm2 N` greedy completions (256 new tokens) of N random MATH test problems on the CPU, graded by both.

Usage: python bench/grading_stage2.py [--smollm2 32] [--processes 2]  -> bench/results/grading_stage2.json
"""
import os, sys, time, json, random, argparse, platform, multiprocessing as mp
from collections import Counter
from pathlib import Path

os.environ.setdefault('OMP_NUM_THREADS', '1')
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / 'tests'))
from soar.utils import data_dir, read_jsonl, atomic_write_json
import soar.grading as G
import soar.equivalence as E
from soar.grading import MathVerifier, extract_boxed
from test_grading import perturb, FILES

OLD, NEW = MathVerifier(stage2=False, cache_size=0), MathVerifier(cache_size=0)
_NEVER = __import__('re').compile(r'(?!x)x')
_SPACED = E._SPACED_THOUSANDS_RE


class _InProcess:
    "Stands in for the grading worker inside a fork-pool worker: the same op, bounded by `signal.alarm`."
    def call(self, op, args, timeout, default=None):
        import signal
        def _alarm(*_): raise TimeoutError
        old = signal.signal(signal.SIGALRM, _alarm); signal.alarm(max(1, int(timeout)))
        try: return E.grade_equiv(*args)
        except Exception: return default
        finally: signal.alarm(0); signal.signal(signal.SIGALRM, old)


def _before(on: bool):
    "Switch this process to the grader before issue 15 (`on`) or back to the current one."
    E._SPACED_THOUSANDS_RE = _NEVER if on else _SPACED
    E._mv_parse.cache_clear(); E._s2_parse.cache_clear()


def variants(g):
    "True rewrites of g in the issue's classes, made with SymPy from g's own (second-stage) parse; [] if none."
    import sympy
    if not E.looks_algebraic(g): return []
    try:
        e = E._s2_parse(g)
        if not isinstance(e, sympy.Expr): return []
        e = e.subs({s: sympy.I for s in e.free_symbols if s.name == 'i'})
        out = []
        if e.has(sympy.I):                                            # complex: one fraction, expanded, decimals
            out += [sympy.latex(sympy.together(e)), sympy.latex(sympy.expand(e))]
            re_, im_ = sympy.expand(e).as_real_imag()
            if re_.is_Rational and im_.is_Rational and all(_terminates(x) for x in (re_, im_)):
                out.append(f"{_dec(re_)}{'+' if im_ >= 0 else '-'}{_dec(abs(im_))}i")
        elif e.is_Integer and abs(e) >= 1000:                         # separators and scientific notation
            d = str(abs(int(e))); sgn = '-' if e < 0 else ''
            groups = [d[max(0, k - 3):k] for k in range(len(d), 0, -3)][::-1]
            out.append(sgn + r'\,'.join(groups))
            m = d.rstrip('0'); k = len(d) - 1; mant = m[0] + ('.' + m[1:] if len(m) > 1 else '')
            out += [f'{sgn}{mant}\\times10^{{{k}}}', f'{sgn}{mant}e{k}']
        elif e.is_Rational and not e.is_Integer:                      # decimals / fractions
            out.append(sympy.latex(e))
            if _terminates(e): out.append(_dec(e))
        else:
            if e.has(sympy.log): out.append(sympy.latex(e))           # SymPy writes log_b x as ln x / ln b
            if any(p.exp.is_Rational and not p.exp.is_Integer for p in e.atoms(sympy.Pow)):
                out += [sympy.latex(e), sympy.latex(e, root_notation=False)]
        return [v for i, v in enumerate(out) if v != g and v not in out[:i] and len(v) < 300]
    except Exception:
        return []


def _terminates(q):
    d = int(q.q)
    for p in (2, 5):
        while d % p == 0: d //= p
    return d == 1


def _dec(q):
    from decimal import Decimal, getcontext
    getcontext().prec = 60
    s = format(Decimal(int(q.p)) / Decimal(int(q.q)), 'f')
    return s


def grade(item):
    kind, src, pred, gold = item
    G._WORKER = _InProcess()
    _before(True)
    t0 = time.perf_counter(); o = OLD.is_equiv(pred, gold); t1 = time.perf_counter()
    _before(False)
    n = NEW.is_equiv(pred, gold)
    return kind, src, pred, gold, o, n, t1 - t0, time.perf_counter() - t1


def gold_items(seed=0):
    rng = random.Random(seed)
    items = []
    for f in FILES:
        golds = [r['answer'] for r in read_jsonl(data_dir() / f)]
        for g in golds:
            items.append(('near_miss', f, perturb(g), g))
            items.append(('other', f, rng.choice(golds), g))
    return items


def variant_items(processes):
    golds = [(f, r['answer']) for f in FILES for r in read_jsonl(data_dir() / f)]
    with mp.get_context('fork').Pool(processes) as pool:
        vs = pool.map(_variants_of, golds, chunksize=64)
    return [('variant', f, v, g) for (f, g), vv in zip(golds, vs) for v in vv]


def _variants_of(fg):
    import signal
    signal.alarm(10)                     # one slow SymPy rewrite must not stall the bench (main thread of a pool worker)
    try: return variants(fg[1])
    except Exception: return []
    finally: signal.alarm(0)


def smollm2_items(n, seed=0, max_new_tokens=256):
    from soar.models import smollm2_path
    from soar.policy import load_policy
    from soar.generation import make_generator, SamplingParams
    from soar.prompts import format_student
    rows = random.Random(seed).sample(read_jsonl(data_dir() / 'math_test.jsonl'), n)
    pol = load_policy(smollm2_path())
    gen = make_generator(pol)
    t0 = time.perf_counter()
    comps = gen.generate([format_student(r['problem'], 'math', pol.tokenizer) for r in rows],
                         SamplingParams(n=1, temperature=0.0, max_new_tokens=max_new_tokens, seed=seed))
    dt = time.perf_counter() - t0
    items = []
    for r, c in zip(rows, comps):
        box = extract_boxed(c[0].text)
        items.append(('smollm2', r['id'], box if box is not None else '', r['answer']))
    return items, dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--processes', type=int, default=2)
    ap.add_argument('--smollm2', type=int, default=0, help='number of SmolLM2 completions (0: skip)')
    ap.add_argument('--limit', type=int, default=0, help='only the first N gold items (a quick try)')
    ap.add_argument('--out', default=str(Path(__file__).parent / 'results' / 'grading_stage2.json'))
    a = ap.parse_args()
    t0 = time.time()
    items = gold_items()
    t_var = time.time(); items += variant_items(a.processes); t_var = time.time() - t_var
    if a.limit: items = items[:a.limit]
    gen_s = None
    if a.smollm2:
        sm, gen_s = smollm2_items(a.smollm2)
        items += sm
    with mp.get_context('fork').Pool(a.processes) as pool:
        res = pool.map(grade, items, chunksize=32)
    by = {}
    for kind, src, pred, gold, o, n, to, tn in res:
        d = by.setdefault(kind, dict(n=0, right_old=0, right_new=0, flips_to_right=[], flips_to_wrong=[], seconds_old=0.0,
                                     seconds_new=0.0, per_file=Counter()))
        d['n'] += 1; d['right_old'] += o; d['right_new'] += n; d['per_file'][src] += 1
        d['seconds_old'] += to; d['seconds_new'] += tn
        if n and not o: d['flips_to_right'].append(dict(file=src, pred=pred, gold=gold))
        if o and not n: d['flips_to_wrong'].append(dict(file=src, pred=pred, gold=gold))
        if kind == 'smollm2': d.setdefault('graded', []).append(dict(id=src, pred=pred, gold=gold, before=o, after=n))
    for d in by.values():
        d['per_file'] = dict(d['per_file']) if len(d['per_file']) <= 3 else len(d['per_file'])
        d['n_flips_to_right'], d['n_flips_to_wrong'] = len(d['flips_to_right']), len(d['flips_to_wrong'])
        d['seconds_old'], d['seconds_new'] = round(d['seconds_old'], 1), round(d['seconds_new'], 1)
    rep = dict(date=time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()),
               machine=dict(platform=platform.platform(), cpus=os.cpu_count(), python=sys.version.split()[0]),
               uptime=os.popen('uptime').read().strip(), seconds=round(time.time() - t0, 1),
               variant_generation_seconds=round(t_var, 1), smollm2_generation_seconds=gen_s,
               smollm2=(f'{a.smollm2} greedy completions of random MATH test problems, 256 new tokens, CPU'
                        if a.smollm2 else 'skipped'),
               note='before = Math-Verify + normalisation as before issue 15; after = + thin-space rule + second stage. '
                    'flips_to_right on near_miss/other are new false positives; on variant/smollm2 recovered true answers; '
                    'flips_to_wrong must be 0 (both changes only add)',
               kinds=by)
    atomic_write_json(a.out, rep)
    print(json.dumps({k: {kk: vv for kk, vv in v.items() if not kk.startswith('flips')} for k, v in by.items()}, indent=1))
    for k, v in by.items():
        for x in v['flips_to_right'][:40]: print(k, x)


if __name__ == '__main__':
    main()
