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

Issue 25 (`--baseline REV --kinds ...`): "before" is then the grader of git revision REV (its soar/equivalence.py,
loaded as a module beside the current one; soar.grading's in-process layer is the same), "after" the current one.
Extra kinds of pairs, all from the benchmark files:
  own_solution  each gold vs every \boxed{} of its own reference solution(s) (MATH: all boxes of the solution; HARP:
                the last box of each human solution; OlympiadBench solutions have no box)
  solution_eq   true equalities written in problems and solutions, `LHS = RHS` with LHS a repeating decimal, a cube
                root of a negative number or a trigonometric function of a degree angle (`\cos 120^\circ = -\frac12`)
  v25_*         rewrites of gold answers in the issue's forms that must stay right: degree sign (`45^\circ` -> `45°`),
                plain-space thousands (integers >= 1000), empty spacing box removed, `<` chain written with `>`,
                sin/cos of a degree angle as the cofunction of the complement, a base numeral without its subscript
  base_other, base_decimal  must be wrong: a base numeral with the next base, and its decimal value
The report adds `gold_forms` (per file, how many gold answers have each affected form) and `problems` (per kind and
direction, per file, how many distinct problems have a flipped pair: what could move in or out of a fail@k split).

Usage: python bench/grading/grading_stage2.py [--smollm2 32] [--processes 2]  -> bench/grading/results/grading_stage2.json
       python bench/grading/grading_stage2.py --baseline 0df042a --kinds issue25 --out bench/grading/results/grading_issue25.json
       python bench/grading/grading_stage2.py --baseline 0df042a --kinds pairs --pairs samples.jsonl --out ...   (stored samples:
       `problems` then counts the problems whose samples change verdict, i.e. the fail@k split's movers)
"""
import os, re, sys, time, json, random, argparse, platform, subprocess, tempfile, importlib.util, multiprocessing as mp
from collections import Counter
from pathlib import Path

os.environ.setdefault('OMP_NUM_THREADS', '1')
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'tests'))
from soar.utils import data_dir, read_jsonl, atomic_write_json
import soar.grading as G
import soar.equivalence as E
from soar.grading import MathVerifier, extract_boxed
from test_grading import perturb, FILES

OLD, NEW = MathVerifier(stage2=False, cache_size=0), MathVerifier(cache_size=0)
BASE = None                             # with --baseline REV: the soar.equivalence module of REV
_NEVER = __import__('re').compile(r'(?!x)x')
_SPACED = E._SPACED_THOUSANDS_RE


class _InProcess:
    "Stands in for the grading worker inside a fork-pool worker: the same op, bounded by `signal.alarm`."
    def __init__(self, mod=None): self.mod = mod or E
    def call(self, op, args, timeout, default=None):
        import signal
        def _alarm(*_): raise TimeoutError
        old = signal.signal(signal.SIGALRM, _alarm); signal.alarm(max(1, int(timeout)))
        try: return self.mod.grade_equiv(*args)
        except Exception: return default
        finally: signal.alarm(0); signal.signal(signal.SIGALRM, old)


def load_baseline(rev):
    "soar/equivalence.py of git revision `rev`, loaded as the module `soar._equivalence_base` (relative imports work)."
    root = Path(__file__).resolve().parents[2]
    src = subprocess.run(['git', 'show', f'{rev}:soar/equivalence.py'], cwd=root, capture_output=True, text=True,
                         check=True).stdout
    path = Path(tempfile.mkdtemp()) / 'equivalence_base.py'
    path.write_text(src)
    spec = importlib.util.spec_from_file_location('soar._equivalence_base', path)
    mod = importlib.util.module_from_spec(spec); sys.modules[spec.name] = mod; spec.loader.exec_module(mod)
    return mod


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
    kind, src, pred, gold = item[:4]
    if BASE is None:                                      # before = the grader before issue 15
        G._WORKER = _InProcess(); _before(True)
        t0 = time.perf_counter(); o = OLD.is_equiv(pred, gold); t1 = time.perf_counter()
        _before(False)
    else:                                                 # before = the grader of --baseline REV
        G._WORKER = _InProcess(BASE)
        t0 = time.perf_counter(); o = OLD.is_equiv(pred, gold); t1 = time.perf_counter()
        G._WORKER = _InProcess()
    n = NEW.is_equiv(pred, gold)
    return kind, src, pred, gold, o, n, t1 - t0, time.perf_counter() - t1, (item[4] if len(item) > 4 else '')


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


# --- issue 25 ---------------------------------------------------------------------------------------------------

_LHS = (r'(?:\d*\.\d*\\overline\s*\{?\d+\}?|\\sqrt\[3\]\{\s*-\s*\d+\s*\}|'
        r'\\(?:sin|cos|tan|cot|sec|csc)\s*\(?\s*\{?\s*\d+\s*\^\s*\{?\\circ\}?\s*\}?\s*\)?)')
_EQ_RE = re.compile(r'(?:(?<=\$)|(?<=\$ )|(?<==)|(?<== )|(?<=\\\[)|(?<=&)|(?<=& )|(?<=\n))(?P<l>%s)\s*=\s*'
                    r'(?P<r>[^=$&<>]{1,60}?)\s*[,.]?\s*(?=\$|\\\\|\\\]|\n)' % _LHS)
_CIRC_RE = re.compile(r'\^\s*(?:\{\s*\\circ\s*\}|\\circ(?![A-Za-z]))')
_BASE_GOLD_RE = re.compile(r'(-?)([0-9A-Za-z]*\d[0-9A-Za-z]*(?:\.[0-9A-Za-z]+)?)_\{?(\d{1,2})\}?')
_TRIG1_RE = re.compile(r'(\d*)\s*\\(sin|cos)\s*\(?\{?\s*(\d{1,2})\s*\^\s*\{?\\circ\}?\s*\}?\)?')


def rows_of(f):
    return read_jsonl(data_dir() / f)


def all_boxes(text):
    "Contents of every \\boxed{}/\\fbox{} of `text`, in order."
    out = []
    for m in G._BOX_RE.finditer(text or ''):
        i = m.end()
        while i < len(text) and text[i] == ' ': i += 1
        if i < len(text) and text[i] == '{':
            j = G._scan_group(text, i)
            if j > 0: out.append(text[i + 1:j - 1].strip())
    return out


def own_solution_items():
    items = []
    for f in FILES:
        for r in rows_of(f):
            sols = r['solutions'] if isinstance(r.get('solutions'), list) else None
            boxes = all_boxes(r['solution']) if sols is None or f == 'math_test.jsonl' else \
                [b for b in (extract_boxed(s) for s in sols) if b is not None]
            items += [('own_solution', f, b, r['answer'], r['id']) for b in boxes]
    return items


def solution_eq_items():
    items = []
    for f in FILES:
        for r in rows_of(f):
            for k in ('problem', 'solution'):
                for m in _EQ_RE.finditer(r[k] or ''):
                    rhs = m['r'].strip()
                    b = re.fullmatch(r'\\boxed\{(.*)\}', rhs)
                    rhs = b[1] if b else rhs
                    if re.search(r'\\Rightarrow|\\text|\\quad|\\approx|\\ ', rhs): continue
                    items.append(('solution_eq', f, m['l'].strip(), rhs, r['id']))
    return items


def _chain_flip(g):
    "`-1<x<7` -> `7>x>-1` for a gold that is one `<`/`\\le` chain (no comma, no text); None otherwise."
    if re.search(r'[,>|]|\\text|\\g|\\left|\\right|\\[{}]|\\Big|=', g): return None
    parts = re.split(r'(<|\\leq?(?![A-Za-z]))', g)
    if len(parts) < 3: return None
    terms, ops = parts[0::2], parts[1::2]
    flip = {'<': '>', r'\le': r'\ge ', r'\leq': r'\ge '}
    return terms[-1].strip() + ''.join(flip[o] + t.strip() for o, t in zip(ops[::-1], terms[-2::-1]))


def _big_int(g):
    "An integer >= 1000 written plainly or with `,` / `,\\!` thousands separators (`10,\\!080`), else None."
    m = re.fullmatch(r'\d{1,3}(?:(?:,\\!|,)\d{3})+|[1-9]\d{3,29}', g.strip())
    return int(re.sub(r'\D', '', m[0])) if m else None


def v25_items():
    "Rewrites of gold answers in the forms of issue 25 (kind, file, pred, gold, id)."
    items = []
    for f in FILES:
        for r in rows_of(f):
            g, pid = r['answer'], r['id']
            add = lambda kind, p: items.append((kind, f, p, g, pid))
            if _CIRC_RE.search(g): add('v25_degree', _CIRC_RE.sub('°', g))
            n = _big_int(g)
            if n: add('v25_thousands', f'{n:,}'.replace(',', ' '))
            if E._EMPTY_BOX_RE.search(g): add('v25_box', E._EMPTY_BOX_RE.sub('', g).strip())
            c = _chain_flip(g)
            if c: add('v25_chain', c)
            m = _TRIG1_RE.fullmatch(g.strip())
            if m: add('v25_trig', r'%s\%s %d^\circ' % (m[1], {'sin': 'cos', 'cos': 'sin'}[m[2]], 90 - int(m[3])))
            m = _BASE_GOLD_RE.fullmatch(g.strip())
            if m and 2 <= int(m[3]) <= 36 and int(m[3]) != 10:
                add('v25_base_bare', m[1] + m[2])
                add('base_other', f'{m[1]}{m[2]}_{{{int(m[3]) + 1}}}')
                v = E._numeral_value(m[2], int(m[3]))
                if v is not None: add('base_decimal', m[1] + (str(v.numerator) if v.denominator == 1 else
                                                              r'\frac{%d}{%d}' % (v.numerator, v.denominator)))
    return items


GOLD_FORMS = {
    'degree (^\\circ)': lambda g: _CIRC_RE.search(g) is not None,
    'trig of a degree angle': lambda g: _CIRC_RE.search(g) is not None and E._TRIG_RE.search(g) is not None,
    'base subscript numeral': lambda g: E._numeral(g) is not None and E._numeral(g)[2] not in (None, 10),
    'integer >= 1000': lambda g: _big_int(g) is not None,
    'empty spacing box': lambda g: E._EMPTY_BOX_RE.search(g) is not None,
    'inequality chain or relation': lambda g: re.search(r'[<>]|\\[lg]eq?(?![A-Za-z])', g) is not None,
    'cube root': lambda g: '\\sqrt[3]' in g,
    'repeating decimal': lambda g: E._REPEAT_RE.search(g) is not None,
}


def gold_forms():
    return {f: {k: sum(bool(fn(r['answer'])) for r in rows_of(f)) for k, fn in GOLD_FORMS.items()} for f in FILES}


KINDS = {'near_miss': None, 'other': None, 'variant': None, 'own_solution': own_solution_items,
         'solution_eq': solution_eq_items, 'v25': v25_items}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--processes', type=int, default=2)
    ap.add_argument('--smollm2', type=int, default=0, help='number of SmolLM2 completions (0: skip)')
    ap.add_argument('--limit', type=int, default=0, help='only the first N gold items (a quick try)')
    ap.add_argument('--out', default=str(Path(__file__).parent / 'results' / 'grading_stage2.json'))
    ap.add_argument('--baseline', default='', help='git revision whose soar/equivalence.py grades "before" '
                                                   '(default: the grader before issue 15)')
    ap.add_argument('--pairs', default='', help='a JSONL of stored samples {"id", "pred", "gold"} (e.g. the boxed answers '
                                                'of fail@k samples): graded by both, kind "pairs"')
    ap.add_argument('--kinds', default='near_miss,other,variant',
                    help=f'comma-separated, of {sorted(KINDS)}; "issue25" = near_miss,other,own_solution,solution_eq,v25')
    a = ap.parse_args()
    global BASE, OLD
    if a.baseline: BASE, OLD = load_baseline(a.baseline), MathVerifier(cache_size=0)
    kinds = (['near_miss', 'other', 'own_solution', 'solution_eq', 'v25'] if a.kinds == 'issue25'
             else a.kinds.split(','))
    t0 = time.time()
    items = [x for x in gold_items() if x[0] in kinds]
    t_var = time.time(); items += variant_items(a.processes) if 'variant' in kinds else []; t_var = time.time() - t_var
    for k in ('own_solution', 'solution_eq', 'v25'):
        if k in kinds: items += KINDS[k]()
    if a.pairs:
        items += [('pairs', Path(a.pairs).name, r['pred'], r['gold'], r.get('id', '')) for r in read_jsonl(a.pairs)]
    if a.limit: items = items[:a.limit]
    gen_s = None
    if a.smollm2:
        sm, gen_s = smollm2_items(a.smollm2)
        items += sm
    with mp.get_context('fork').Pool(a.processes) as pool:
        res = pool.map(grade, items, chunksize=32)
    by, flipped, anyright = {}, {}, {}
    for kind, src, pred, gold, o, n, to, tn, pid in res:
        if o != n: flipped.setdefault(kind, {}).setdefault('to_right' if n else 'to_wrong', set()).add((src, pid or gold))
        if kind == 'pairs':                                 # per problem: any sample right, before / after
            ar = anyright.setdefault(pid or gold, [False, False]); ar[0] |= bool(o); ar[1] |= bool(n)
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
               note=('before = Math-Verify + normalisation as before issue 15; after = + thin-space rule + second stage. '
                     'flips_to_right on near_miss/other are new false positives; on variant/smollm2 recovered true answers; '
                     'flips_to_wrong must be 0 (both changes only add)') if not a.baseline else
                    (f'before = the grader of git {a.baseline} (soar/equivalence.py of that revision), after = this one. '
                     'flips_to_right on near_miss/other/base_other/base_decimal would be new false positives; on '
                     'own_solution/solution_eq/v25_* recovered true answers; flips_to_wrong on base_other are fixed false '
                     'positives (a numeral in another base), anywhere else they would be lost true answers'),
               baseline=a.baseline or 'before issue 15', kinds_run=kinds,
               gold_forms=gold_forms() if a.baseline else None,
               problems={k: {d: dict(Counter(f for f, _ in v)) for d, v in fl.items()} for k, fl in flipped.items()},
               fail_k_moves=dict(problems=len(anyright), leave=sum(not o and n for o, n in anyright.values()),
                                 enter=sum(o and not n for o, n in anyright.values())) if anyright else None,
               kinds=by)
    atomic_write_json(a.out, rep)
    print(json.dumps({k: {kk: vv for kk, vv in v.items() if not kk.startswith('flips')} for k, v in by.items()}, indent=1))
    for k, v in by.items():
        for x in v['flips_to_right'][:40]: print(k, x)


if __name__ == '__main__':
    main()
