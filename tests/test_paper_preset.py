"""The `paper` preset against the paper (issue 24): `make_config('paper')` / `make_plan('paper')` give every value of
`soar.plan.PAPER_VALUES`, a table written from the paper with a citation per row, which docs/paper-notes.md prints;
and `soar run --preset paper` saves the teacher the paper reads (HARP: step 170), as `soar reproduce` does."""
from pathlib import Path
import pytest
from soar.plan import PAPER_VALUES, paper_values_check, paper_values_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_paper_preset_gives_the_papers_values():
    assert paper_values_check() == []
    assert all(len(r) == 4 and r[3] for r in PAPER_VALUES)


def test_paper_notes_print_the_same_table():
    notes = (ROOT/'docs'/'paper-notes.md').read_text()
    assert paper_values_markdown() in notes, "docs/paper-notes.md: paste soar.plan.paper_values_markdown() in section 9"


@pytest.mark.parametrize('dataset, saved', [('harp', (170,)), ('math', ())])
def test_soar_run_paper_saves_the_teacher_step(tmp_path, monkeypatch, dataset, saved):
    import soar.experiment
    from soar.cli import main
    from soar.config import load_config
    got = {}
    monkeypatch.setattr(soar.experiment, 'run_soar', lambda cfg, out, resume=False: got.update(cfg=cfg) or {})
    rc = main(['run', '--preset', 'paper', '--out', str(tmp_path/'run'), '--no-notebook',
               '--set', f'dataset={dataset}', '--set', f"data_dir={ROOT/'tests'/'fixtures'/'data'}"])
    assert rc == 0 and got['cfg'].backend == 'vllm' and got['cfg'].dataset == dataset     # the paper preset's config
    assert got['cfg'].teacher_save_steps == saved
    assert load_config(tmp_path/'run'/'config.json') == got['cfg']                         # the run's config.json holds it
