"""soar.grading beyond the notebook: whole-benchmark self-check, threads, fork/spawn pools, timeouts, worker death.

Run: `pytest tests/test_grading.py` (default suite, includes the self-check over all 10,454 gold answers, ~1.5 min);
`python tests/test_grading.py` writes the self-check figures to bench/grading/results/grading_selfcheck.json.
"""
import os, re, sys, json, time, random, signal, threading, multiprocessing as mp
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
import pytest

from soar.utils import data_dir, read_jsonl
import soar.grading as G
from soar.equivalence import _has_prose
from soar.grading import (extract_boxed, is_equiv, is_correct, math_reward, is_parsable, MathVerifier,
                          IntegerVerifier, get_verifier)

FILES = ['math_test.jsonl', 'harp.jsonl', 'olympiadbench_math_en_text.jsonl']

# Gold answers that the grader cannot read as mathematics (`is_parsable` is False): prose, symbolic percentages,
# clock times, OlympiadBench notation. They still match themselves (identical strings). See nbs/02_grading.ipynb.
KNOWN_UNPARSABLE = {
    'A makes 1100 on the deal', r'\frac{100p}{100+p}\%', r'(i+j+\frac{ij}{100})\%', r'\hspace{.05in}5:21\textsc{pm}',
    r'11^\text{th}', 'Jenna will win with $2013$ coins, and whoever goes first will win with $2014$ coins.',
    'It is a negative number ending with a 5.', 'reflection about the line $y = x$',
    r'Liliane has $20\%$ more soda than Alice.', r'It is true if and only if $ab=0$ and $a+b\ge 0$.',
    r'\texttt{000101}', r'm_{\max }=n^{2}-n-1', 't(0,4]'}

# Classes of gold answers g whose near miss `perturb(g)` is still judged equal (documented in the notebook).
PERTURB_CLASSES = [
    ('unit exponent (units are ignored)', lambda g: re.search(r'\\(?:text|mbox)\{[^}]*\}\s*\^', g)),
    # (a base subscript was a class here: Math-Verify drops subscripts, so `4210_{8}` earned 120 for `4210_{7}`;
    #  since issue 25 `soar.equivalence.base_verdict` grades other bases wrong, and a regression shows up as unknown)
    ('float compared to 6 decimals', lambda g: re.fullmatch(r'-?\d*\.\d+', g)),
    ('no digit: perturb(g) = g+1', lambda g: not re.search(r'\d', g)),
    ('prose answer', lambda g: _has_prose(g)),
    ('other (see notebook)', lambda g: g in {r'5\text{:}30\text{ p.m.}', r"(S/S')^{\frac{1}{2}n}",
                                             r'133\text{ Ps, }134\text{ Qs, }133\text{ Rs}'}),
]


def perturb_class(g):
    return next((name for name, f in PERTURB_CLASSES if f(g)), None)


def all_answers():
    d = data_dir()
    return [(f, r['id'], r['answer']) for f in FILES for r in read_jsonl(d / f)]


def perturb(g):
    "A near miss: the last digit of the gold answer changed (d -> d+1 mod 10); `g+1` if it has no digit."
    for k in range(len(g) - 1, -1, -1):
        if g[k].isdigit():
            return g[:k] + str((int(g[k]) + 1) % 10) + g[k + 1:]
    return g + '+1'


def check_one(item):
    "Self-check of one gold answer: (file, id, gold, flags)."
    f, i, g = item
    mv_only = _MV_ONLY
    boxed = f'Some reasoning.\n\nThe final answer is $\\boxed{{{g}}}$.'
    flags = dict(
        self_equiv=is_equiv(g, g),
        boxed_correct=is_correct(boxed, g),
        boxed_reward=math_reward(boxed, g),
        mv_only=mv_only.is_equiv(g, g),
        perturbed_reward=math_reward(f'\\boxed{{{perturb(g)}}}', g),
        parsable=is_parsable(g),
    )
    return f, i, g, flags


_MV_ONLY = MathVerifier(fast_paths=False, cache_size=0)


def run_selfcheck(items, processes=2):
    t0 = time.time()
    ctx = mp.get_context('fork')
    with ctx.Pool(processes) as pool:
        res = pool.map(check_one, items, chunksize=64)
    dt = time.time() - t0
    fails = {k: [(f, i, g) for f, i, g, fl in res if not ok(k, fl)] for k in
             ['self_equiv', 'boxed_correct', 'boxed_reward', 'mv_only', 'perturbed_reward', 'parsable']}
    per_file = Counter(f for f, *_ in res)
    classes = Counter(perturb_class(g) for f, i, g in fails['perturbed_reward'])
    return dict(n=len(res), seconds=round(dt, 1), per_file=dict(per_file),
                n_fail={k: len(v) for k, v in fails.items()}, perturbed_classes=dict(classes), fails=fails)


def ok(k, fl):
    if k == 'boxed_reward': return fl[k] == 120
    if k == 'perturbed_reward': return fl[k] != 120
    return bool(fl[k])


def _assert_selfcheck(rep):
    nf = rep['n_fail']
    # hard guarantees: every gold answer equals itself and its own boxed form, also without the fast paths
    for k in ['self_equiv', 'boxed_correct', 'boxed_reward', 'mv_only']:
        assert nf[k] == 0, (k, rep['fails'][k][:20])
    unknown = [x for x in rep['fails']['parsable'] if x[2] not in KNOWN_UNPARSABLE]
    assert not unknown, unknown
    unknown = [x for x in rep['fails']['perturbed_reward'] if perturb_class(x[2]) is None]
    assert not unknown, unknown


@pytest.mark.data
def test_selfcheck_all():
    "All 10,454 gold answers of the three benchmark files (~1.5 min on 2 shared cores, a fork pool of 2)."
    items = all_answers()
    assert len(items) == 10454
    _assert_selfcheck(run_selfcheck(items))


def test_selfcheck_fixtures():
    "The same self-check on the invented fixtures of tests/fixtures/data (runs anywhere, a few seconds)."
    from soar.utils import fixture_data_dir
    d = fixture_data_dir()
    items = [(f, r['id'], r['answer']) for f in FILES for r in read_jsonl(d / f)]
    assert len(items) >= 3 * 30
    rep = run_selfcheck(items)
    _assert_selfcheck(rep)
    assert rep['n_fail']['perturbed_reward'] == 0 and rep['n_fail']['parsable'] == 0     # invented answers are all plain math


# --- threads, processes, timeouts -------------------------------------------------------------------------------

PAIRS = [('0.5', r'\frac{1}{2}', True), ('3', '4', False), (r'10\text{ cm}', '10', True), ('(1,2]', '(1,2)', False),
         ('2, 1', '1, 2', True), ('345', r'\textdollar345', True), (r'9^{9^{9^9}}', '5', False),
         ('x' * 10_000, '5', False), ('\ud800 junk', '5', False), (r'\frac{1}{2', r'\frac12', False)]


def grade_pairs(_=None):
    "Runs in pool workers: grade PAIRS with a fresh (uncached) verifier; also report the worker pid."
    v = MathVerifier(cache_size=0)
    return [v.is_equiv(p, g) for p, g, _ in PAIRS], G._WORKER.call('pid', (), timeout=60), os.getpid()


def timeout_in_child(_=None):
    v = MathVerifier(timeout=1, screen=False, cache_size=0)
    t0 = time.time(); r = v.is_equiv(r'10^{10^{10}}', '5'); dt = time.time() - t0
    return r, dt, v.is_equiv('0.5', r'\frac12')


EXPECTED = [e for *_, e in PAIRS]


def test_threads():
    with ThreadPoolExecutor(6) as ex:
        res = list(ex.map(lambda _: grade_pairs()[0], range(12)))
    assert all(r == EXPECTED for r in res)


@pytest.mark.parametrize('method', ['fork', 'spawn'])
def test_process_pools(method):
    parent_worker = G._WORKER.call('pid', (), timeout=60)
    with mp.get_context(method).Pool(2) as pool:
        res = pool.map(grade_pairs, range(4))
    for r, wpid, pid in res:
        assert r == EXPECTED
        assert pid != os.getpid() and wpid != parent_worker     # each pool process has its own grading worker
    assert G._WORKER.call('pid', (), timeout=60) == parent_worker  # the parent's worker is untouched
    assert is_equiv('0.5', r'\frac12')


@pytest.mark.parametrize('method', ['fork', 'spawn'])
def test_timeout_in_pool_worker(method):
    with mp.get_context(method).Pool(1) as pool:
        r, dt, after = pool.apply(timeout_in_child)
    assert r is False and after is True and dt < 30


def test_timeout_and_respawn():
    v = MathVerifier(timeout=1, screen=False, cache_size=0)
    n0 = G._WORKER.n_timeouts + G._WORKER.n_errors
    t0 = time.time()
    assert v.is_equiv(r'10^{10^{10}}', '5') is False
    assert time.time() - t0 < 30
    t0 = time.time()
    assert G._WORKER.call('sleep', (30,), timeout=1, default='late') == 'late'
    assert time.time() - t0 < 10
    assert G._WORKER.n_timeouts + G._WORKER.n_errors > n0
    assert v.is_equiv('0.5', r'\frac12') is True


def test_worker_killed_externally():
    pid = G._WORKER.call('pid', (), timeout=60)
    os.kill(pid, signal.SIGKILL); time.sleep(0.2)
    assert is_equiv('0.25', r'\frac{1}{4}', verifier=MathVerifier(cache_size=0))
    assert G._WORKER.call('pid', (), timeout=60) != pid


def test_fork_while_lock_held():
    "A thread is inside a worker call (lock held) when the pool forks: the child must not deadlock."
    t = threading.Thread(target=G._WORKER.call, args=('sleep', (3,)), kwargs=dict(timeout=20))
    t.start(); time.sleep(0.5)
    with mp.get_context('fork').Pool(1) as pool:
        res = pool.apply_async(grade_pairs).get(timeout=120)
    assert res[0] == EXPECTED
    t.join()


def test_worker_exits_with_parent():
    "A process that uses the grader is SIGKILLed: its worker notices the closed pipe and exits."
    import subprocess
    code = ("import os, soar.grading as G; assert G.is_equiv('0.5', r'\\frac12'); "
            "print(G._WORKER.call('pid', (), timeout=60), flush=True); os.kill(os.getpid(), 9)")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=120)
    wpid = int(out.stdout.split()[0])
    for _ in range(100):
        try: os.kill(wpid, 0)
        except ProcessLookupError: break
        time.sleep(0.1)
    else:
        # still there: it may be a zombie waiting for init to reap it; check its state
        with open(f'/proc/{wpid}/stat') as f: assert f.read().split()[2] == 'Z'


def test_pathological_bounded():
    bad = [r'9^{9^{9^9}}', r'10^{10^{10}}', r'(10^{6})!', 'y' * 10_000, '{' * 5000, '}' * 5000, '\udcff\ud800',
           b'\xff\xfe\\frac{1}{2}', r'\boxed{\boxed{', r'2^{2^{2^{2^{2^{2}}}}}']
    t0 = time.time()
    for b in bad:
        assert is_equiv(b, '5') is False
        assert is_equiv('5', b) is False
        assert math_reward(f'\\boxed{{{b}}}' if isinstance(b, str) else b, '5') in (0.0, 10.0)
        assert is_correct(b, '5') is False
    assert time.time() - t0 < 60


# Issue 25: one pair a kind through the bounded grader (the worker) and the reward, with a control per kind.
ISSUE25 = [('12 345', '12,345', True), ('12, 345', '12345', False), ('5>y>-2', '-2<y<5', True),
           ('5>y>-2', '-2<y<4', False), ('45°', r'45^\circ', True), (r'2-\sqrt{3}', r'\tan{15^\circ}', True),
           (r'2+\sqrt{3}', r'\tan{15^\circ}', False), (r'\frac12', r'\sin 30^\circ', True), ('9990', r'\mbox{ }9990', True),
           (r'\frac23', r'0.\overline{6}', True), (r'\frac{118}{55}', r'2.1\overline{45}', True), ('0.6', r'0.\overline{6}', False),
           ('123_{8}', '123_{7}', False), ('123_7', '123_{7}', True), ('66', '123_7', False), ('123', '123_7', True),
           ('-3', r'\sqrt[3]{-27}', True), ('3', r'\sqrt[3]{-27}', False),
           # the integer fast path of soar.grading: a space only between groups of 3 digits (`1 2` was 12 before)
           ('12 345', '12345', True), ('- 5', '-5', True), ('1 2', '12', False), ('1 23', '123', False)]


def test_issue25_forms():
    v = MathVerifier(cache_size=0)
    assert [(p, g) for p, g, e in ISSUE25 if v.is_equiv(p, g) != e] == []
    assert math_reward(r'The angle is $\boxed{45°}$.', r'45^\circ') == 120
    assert math_reward(r'$\boxed{4210_{8}}$', '4210_{7}') != 120          # a MATH gold; 120 before issue 25


def test_integer_verifier():
    v = get_verifier('integer')
    assert isinstance(v, IntegerVerifier)
    assert v.is_equiv(' 42', '042') and not v.is_equiv('42.0', '42') and not v.is_equiv('1' * 5000, '1')
    assert v.is_equiv('4 2', '42')         # the toy's verifier drops all spaces, as before issue 25 (MathVerifier: no)
    assert math_reward(r'\boxed{7}', '7', v) == 120 and math_reward(r'\boxed{17}', '7', v) == 20
    assert is_parsable('-3', 'integer') and not is_parsable('x', 'integer')


if __name__ == '__main__':
    from soar.utils import atomic_write_json
    rep = run_selfcheck(all_answers())
    rep['date'] = time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())
    rep['uptime'] = os.popen('uptime').read().strip()
    out = os.path.join(os.path.dirname(__file__), '..', 'bench', 'results', 'grading_selfcheck.json')
    atomic_write_json(out, rep)
    print(json.dumps({k: v for k, v in rep.items() if k != 'fails'}, indent=1))
    for k, v in rep['fails'].items():
        print(k, len(v))
        for x in v[:80]: print('   ', x)
