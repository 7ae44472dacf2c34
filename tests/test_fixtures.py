"""The benchmark-shaped fixtures of tests/fixtures/data: reproducible from their generator, loadable in each benchmark's
schema, and (where the real data is found) sharing no problem with the benchmarks."""
import importlib.util, json
from pathlib import Path
import pytest
from soar.data import BENCHMARKS, load_benchmark
from soar.utils import fixture_data_dir, data_dir

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location('make_fixtures', HERE/'fixtures'/'make_fixtures.py')
mf = importlib.util.module_from_spec(spec); spec.loader.exec_module(mf)
ROWS = {'math_test.jsonl': mf.math_rows(), 'harp.jsonl': mf.harp_rows(), 'olympiadbench_math_en_text.jsonl': mf.olympiad_rows()}


def test_fixtures_match_their_generator():
    d = fixture_data_dir()
    assert d == HERE/'fixtures'/'data'
    for f, rows in ROWS.items():
        assert [json.loads(l) for l in (d/f).read_text(encoding='utf-8').splitlines()] == rows, f"{f}: rerun make_fixtures.py"


def test_fixtures_load_in_the_benchmark_schema():
    for name, spec_ in BENCHMARKS.items():
        ps = load_benchmark(name, fixture_data_dir())
        assert len(ps) >= 30 and all(p.source == spec_['source'] and 'fixture' in p.id.lower() for p in ps)
        assert len({p.subject for p in ps}) >= 4
    math = load_benchmark('math', fixture_data_dir())
    assert all(p.solution.rstrip().endswith(f"\\boxed{{{p.answer}}}$.") for p in math)


@pytest.mark.data
def test_fixtures_are_not_benchmark_problems():
    for name in BENCHMARKS:
        real = {p.problem.strip() for p in load_benchmark(name, data_dir())}
        assert not [p.id for p in load_benchmark(name, fixture_data_dir()) if p.problem.strip() in real]
