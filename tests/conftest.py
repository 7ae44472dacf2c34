"""Shared pytest set-up: the `data` marker (tests that need the real benchmark files), and the tiny-run settings the
end-to-end tests share (`tiny_settings`; test files import it with `from conftest import tiny_settings`).

A test marked `@pytest.mark.data` runs only where `soar.utils.data_dir()` finds the benchmark data (`SOAR_DATA_DIR`, or a
`shared/data` above the checkout, as in CI); elsewhere it is skipped with a one-line reason. Tests that only need
benchmark-shaped rows use `soar.utils.data_or_fixtures()`, which falls back to the invented fixtures in
tests/fixtures/data, and so run anywhere.
"""
import pytest
from soar.utils import data_dir

# The tiny toy run of the end-to-end tests, as `--set KEY=VALUE` strings: a 16-problem pool at fail@8, SOAR runs of
# 2 outer steps, g = 2 datasets of 8 questions, r = 1, 2 inner steps (also after a promotion) with student batch 4 and
# group 4, and τ = 0 over a one-step window, so that any positive reward promotes.
TINY_RUN = {'fail_k': '8', 'max_pool': '16', 'g': '2', 'n': '8', 'r': '1', 'qr_size': '8', 'inner_steps': '2',
            'inner_steps_after_promotion': '2', 'student_batch': '4', 'student_group': '4', 'outer_steps': '2',
            'promotion.window': '1', 'promotion.tau': '0'}
# ... and of a tiny `soar reproduce` chain: Intrinsic-T with 4 samples, fresh students of 2 RLOO steps evaluated at
# steps 0 and 2 with 32 samples, 8 questions per teacher, one student per teacher seed, a reference of 8, small Vendi
# bootstraps.
TINY_CHAIN = {**TINY_RUN, 'intrinsic.intrinsic_samples': '4', 'eval.steps': '2', 'eval.eval_every': '2',
              'eval.n_samples': '32', 'eval.n_teacher_questions': '8', 'students_per': '{}', 'reference_k': '8',
              'diversity_size': '16', 'diversity_repeats': '5'}


def tiny_settings(changes: dict | None = None, chain: bool = False) -> dict:
    "A copy of `TINY_RUN` (`chain`: `TINY_CHAIN`) with `changes` applied (`{key: value}`; the value None drops the key)."
    d = {**(TINY_CHAIN if chain else TINY_RUN), **(changes or {})}
    return {k: v for k, v in d.items() if v is not None}

NO_DATA = 'needs the real benchmark data: set SOAR_DATA_DIR to the folder of math_test.jsonl, harp.jsonl, olympiadbench_math_en_text.jsonl'


def pytest_collection_modifyitems(config, items):
    if data_dir(required=False) is not None: return
    skip = pytest.mark.skip(reason=NO_DATA)
    for it in items:
        if 'data' in it.keywords: it.add_marker(skip)
