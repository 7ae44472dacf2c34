"""`soar reproduce` end to end on tiny real runs of the toy world, and its HTML report checked in a real browser.

The default test runs the whole chain through the `soar` command (stages with --no-notebook and --jobs 2, the report
through its papermill notebook, then nbconvert), opens `report/report.html` in headless Chromium (Debian package
`chromium`; `bash tools/install.sh --browser` installs it) and asserts on the rendered DOM: the pass@k tables with
every method and the pass@k headers, the paper's numbers beside ours, the diversity table, the verdict, and one
inline `data:` PNG per figure. The slow test runs the chain through every stage notebook (papermill), kills it in the
middle of the evaluation, resumes it, and re-renders the report with `soar report DIR --publish`.

Without Chromium the browser checks are skipped, unless SOAR_REQUIRE_CHROMIUM=1 (set by .ci/run), where they fail.
"""
import base64, json, os, shutil, signal, subprocess, sys, time
from html.parser import HTMLParser
from pathlib import Path
import pytest

TINY = {'fail_k': '8', 'max_pool': '16', 'g': '2', 'n': '8', 'r': '1', 'qr_size': '8', 'inner_steps': '2',
        'inner_steps_after_promotion': '2', 'student_batch': '4', 'student_group': '4', 'outer_steps': '2', 'window': '1',
        'tau': '0', 'intrinsic.intrinsic_samples': '4', 'eval.steps': '2', 'eval.eval_every': '2', 'eval.n_samples': '32',
        'eval.n_teacher_questions': '8', 'reference_k': '8', 'diversity_size': '16', 'diversity_repeats': '5',
        'judge': 'smollm2', 'judge_items': '2', 'judge_max_new_tokens': '32'}      # the toy preset's OOD family: add8
ENV = {**os.environ, 'OMP_NUM_THREADS': '1', 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1', 'TOKENIZERS_PARALLELISM': 'false'}
ALWAYS = ['Base model', 'Hard-Only', 'Hard-Only (group ×4)', 'Intrinsic-T', 'Grounded-T', 'Base-T']   # PQ/PS need a promotion
KS = ['pass@1', 'pass@4', 'pass@8', 'pass@16', 'pass@32']


def soar(*args, timeout=1200):
    cmd = [sys.executable, '-m', 'soar.cli', *map(str, args)]
    r = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=timeout)
    assert r.returncode == 0, f"{' '.join(cmd)}\n{r.stdout[-3000:]}\n{r.stderr[-5000:]}"
    return r


def reproduce_args(out, seeds='0,1', *extra):
    a = ['reproduce', '--preset', 'toy', '--seeds', seeds, '--out', out, *extra]
    for k, v in TINY.items(): a += ['--set', f'{k}={v}']
    return a


def chromium() -> str:
    for name in ('chromium', 'chromium-browser', 'google-chrome'):
        if shutil.which(name): return shutil.which(name)
    if os.environ.get('SOAR_REQUIRE_CHROMIUM') == '1': pytest.fail('chromium not found (install it: bash tools/install.sh --browser)')
    pytest.skip('chromium not installed (bash tools/install.sh --browser installs the Debian package)')


def dump_dom(html: Path, profile: Path) -> str:
    "The DOM of `html` after Chromium loaded and rendered it."
    cmd = [chromium(), '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', f'--user-data-dir={profile}',
           '--virtual-time-budget=5000', '--dump-dom', html.resolve().as_uri()]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert r.returncode == 0 and '<html' in r.stdout.lower(), r.stderr[-3000:]
    return r.stdout


class DOM(HTMLParser):
    "Tables (header cells, row headers, text), images (src) and the visible text of a dumped DOM."
    def __init__(self, html: str):
        super().__init__(); self.tables, self.imgs, self.text, self._cell, self._skip = [], [], [], None, 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ('script', 'style'): self._skip += 1
        elif tag == 'table': self.tables.append(dict(th=[], td=[]))
        elif tag in ('th', 'td') and self.tables: self._cell = (tag, [])
        elif tag == 'img': self.imgs.append(a.get('src', ''))

    def handle_endtag(self, tag):
        if tag in ('script', 'style'): self._skip -= 1
        elif tag in ('th', 'td') and self._cell and self.tables:
            self.tables[-1][self._cell[0]].append(''.join(self._cell[1]).strip()); self._cell = None

    def handle_data(self, data):
        if self._skip: return
        self.text.append(data)
        if self._cell: self._cell[1].append(data)

    def table_with(self, *headers):
        return [t for t in self.tables if all(h in t['th'] for h in headers)]


def check_report(out: Path, profile: Path):
    "The rendered report has the tables, the verdict and every figure inline."
    data_runs = sorted(p.parent.name for p in (out/'soar').glob('*/summary.json'))
    html = out/'report'/'report.html'
    raw = html.read_text()
    assert 'src="http' not in raw and "src='http" not in raw                    # self-contained: nothing fetched
    dom = DOM(dump_dom(html, profile))
    text = ' '.join(dom.text)
    assert 'SOAR reproduction report' in text and 'Traceback' not in text
    assert 'from soar.reproduce import' not in text                           # code cells hidden
    # the detailed pass@k table: every method evaluated, the pass@k headers
    results = json.loads((out/'eval'/'main'/'skipped.json').read_text())
    det, ood = dom.table_with(*KS, 'seeds')                                   # the main table, then the OOD table
    methods = ALWAYS + [m for m, key in (('SOAR-PQ', 'pq'), ('SOAR-PS', 'ps')) if not any(s['method'] == key for s in results)]
    for m in methods: assert m in det['th'], (m, det['th'])
    assert any(h.startswith('Real ') for h in det['th']), det['th']                    # the real-data reference
    # OOD: PQ found on add7, students trained and tested on add8 (a PQ row where a grounded run promoted)
    assert 'Hard-Only' in ood['th'] and 'Second dataset: the' in text and 'add8' in text, ood['th']
    assert ('PQ-add7 (OOD)' in ood['th']) == any(json.loads(p.read_text()).get('pq', 0) > 0
                                                  for p in (out/'soar').glob('grounded-*/summary.json')), ood['th']
    # question quality: rule checks, the toy oracle and the judge's verdicts (SmolLM2 read 2 questions of each set)
    [qual] = dom.table_with('oracle_correct (%)', 'judge_n', 'judge_correct (%)', 'judge_agree_correct (%)')
    assert 'Judge:' in text and ', 2 questions per set, 32 new tokens' in text and 'D_train (real, hard)' in qual['th'], qual['th']
    # SPEC.md's layout: ours beside the paper's MATH and HARP numbers
    [spec] = dom.table_with('ours: pass@1/4/8/16/32 (%)', 'paper MATH', 'paper HARP')
    assert '0.5/1.7/3.2/5.7/9.6' in spec['td'] and '0.4/1.4/2.6/4.7/8.2' in spec['td']   # Hard-Only, MATH and HARP
    assert 'The toy world is a different domain.' in text
    # the verdict on SOAR-PQ against Hard-Only, computed from the numbers
    assert 'Did SOAR beat Hard-Only?' in text
    assert any(p in text for p in ('SOAR-PQ beat Hard-Only', 'SOAR-PQ did not beat', 'SOAR-PQ was ahead of',
                                    'SOAR-PQ and Hard-Only tied', 'SOAR-PQ could not be evaluated'))
    # the diversity table, and the figures: pass@k, training reward, test pass@k, diversity, one per SOAR run
    [div] = dom.table_with('Vendi (mean ± SD over seeds)', 'paper Vendi (Qwen3-8B)')
    for m in ('Grounded-T', 'Base-T', 'Intrinsic-T', 'D_train (real, hard)'): assert m in div['th'], div['th']
    figs = [s for s in dom.imgs if s.startswith('data:image/png;base64,')]
    assert len(figs) == 4 + len(data_runs), (len(figs), data_runs)
    assert len(dom.imgs) == len(figs)                                          # no image by reference
    for s in figs:
        png = base64.b64decode(s.split(',', 1)[1])
        assert png[:8] == b'\x89PNG\r\n\x1a\n' and len(png) > 5000
    for i in range(1, len(figs) + 1): assert f'Figure {i}.' in text
    assert all(f'{r}' in text for r in data_runs)
    return dom


def test_reproduce_tiny_report_in_chromium(tmp_path):
    "The whole chain on tiny runs (2 seeds), its report in a browser, --resume doing nothing, a changed plan refused."
    out = tmp_path/'repro'
    r = soar(*reproduce_args(out, '0,1', '--no-notebook', '--jobs', '2'))     # 2 SOAR runs / evaluation workers at a time
    assert r.stdout.strip().splitlines()[-1] == str((out/'report'/'report.html').resolve())
    for stage in ('filter', 'soar', 'eval', 'analysis', 'report'): assert (out/stage/'DONE.json').exists(), stage
    assert (out/'report'/'report.ipynb').exists() and len(list((out/'report'/'figures').glob('*.svg'))) >= 8
    check_report(out, tmp_path/'chromium')
    # --resume: every stage is done, nothing is recomputed
    before = {p: p.stat().st_mtime_ns for p in out.rglob('*') if p.is_file() and p.name != 'reproduce_summary.json'}
    r = soar(*reproduce_args(out, '0,1', '--no-notebook', '--resume'))
    assert r.stdout.count('done, skipped') == 5, r.stdout
    assert {p: p.stat().st_mtime_ns for p in before} == before
    # a different plan in the same directory is refused
    r = subprocess.run([sys.executable, '-m', 'soar.cli', *reproduce_args(out, '0', '--no-notebook', '--resume')],
                       capture_output=True, text=True, env=ENV, timeout=300)
    assert r.returncode == 2 and 'plan differs' in r.stderr and 'seeds' in r.stderr, r.stderr[-2000:]


@pytest.mark.slow
def test_reproduce_notebooks_killed_and_resumed(tmp_path):
    "Every stage through its notebook; SIGKILL during the evaluation, --resume finishes without redoing work; `soar report`."
    out = tmp_path/'repro'
    cmd = [sys.executable, '-m', 'soar.cli', *map(str, reproduce_args(out, '0,1', '--jobs', '1'))]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ENV, start_new_session=True)
    t0 = time.time()
    while time.time() - t0 < 1500 and p.poll() is None and len(list((out/'eval'/'main').glob('*/*.json'))) < 3: time.sleep(0.5)
    assert p.poll() is None, p.stdout.read()[-3000:]
    os.killpg(p.pid, signal.SIGKILL); p.wait()                                # the runner and its papermill kernel
    assert (out/'soar'/'DONE.json').exists() and not (out/'eval'/'DONE.json').exists()
    done = {f: f.stat().st_mtime_ns for f in (out/'eval'/'main').glob('*/*.json')}
    for f in done: json.loads(f.read_text())                                  # atomic: no half-written result
    soar_done = (out/'soar'/'DONE.json').stat().st_mtime_ns
    r = soar(*reproduce_args(out, '0,1', '--resume', '--jobs', '1'), timeout=1800)
    assert r.stdout.count('done, skipped') == 2, r.stdout                    # filter and soar
    assert (out/'soar'/'DONE.json').stat().st_mtime_ns == soar_done
    for f, t in done.items(): assert f.stat().st_mtime_ns == t, f'{f} was recomputed'
    for stage, nb in (('filter', 'filtering'), ('eval', 'evaluation'), ('analysis', 'analysis'), ('report', 'report')):
        cells = json.loads((out/stage/f'{nb}.ipynb').read_text())['cells']
        assert not any(o.get('output_type') == 'error' for c in cells for o in c.get('outputs', [])), stage
    for run in ('grounded-seed0', 'grounded-seed1', 'intrinsic-seed0', 'intrinsic-seed1'):
        assert (out/'soar'/run/'soar_run.ipynb').exists(), run
    check_report(out, tmp_path/'chromium')
    # `soar report DIR` renders again from the runs; --publish copies the executed notebook for the site
    (out/'report'/'report.html').unlink()
    soar('report', out, '--publish', tmp_path/'site'/'results'/'toy.ipynb')
    assert (out/'report'/'report.html').exists() and (tmp_path/'site'/'results'/'toy.ipynb').exists()
    nb = json.loads((tmp_path/'site'/'results'/'toy.ipynb').read_text())
    assert any(o.get('output_type') == 'display_data' and 'image/png' in o.get('data', {}) for c in nb['cells'] for o in c.get('outputs', []))
    check_report(out, tmp_path/'chromium2')
