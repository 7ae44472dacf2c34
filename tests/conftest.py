"""Shared pytest set-up: the `data` marker (tests that need the real benchmark files).

A test marked `@pytest.mark.data` runs only where `soar.utils.data_dir()` finds the benchmark data (`SOAR_DATA_DIR`, or a
`shared/data` above the checkout, as in CI); elsewhere it is skipped with a one-line reason. Tests that only need
benchmark-shaped rows use `soar.utils.data_or_fixtures()`, which falls back to the invented fixtures in
tests/fixtures/data, and so run anywhere.
"""
import pytest
from soar.utils import data_dir

NO_DATA = 'needs the real benchmark data: set SOAR_DATA_DIR to the folder of math_test.jsonl, harp.jsonl, olympiadbench_math_en_text.jsonl'


def pytest_collection_modifyitems(config, items):
    if data_dir(required=False) is not None: return
    skip = pytest.mark.skip(reason=NO_DATA)
    for it in items:
        if 'data' in it.keywords: it.add_marker(skip)
