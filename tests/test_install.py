"""The package as a user gets it: a wheel built from a clean copy, installed into a new virtual environment, imported and
run outside any checkout.

`test_pip_install_into_new_venv` builds the wheel (`pip wheel`, which also copies nbs/experiments/*.ipynb into the
package as soar/experiments/), installs it into a new venv and imports every module from there. `test_soar_run_from_the_wheel`
runs `soar run` from that venv in a folder with no checkout above it: one tiny outer step of the toy world, through
the experiment notebook shipped in the wheel.
"""
import json, os, subprocess, sys, sysconfig, venv, zipfile
from pathlib import Path
import pytest
from conftest import tiny_settings

ROOT = Path(__file__).resolve().parents[1]
RUN_TINY = tiny_settings({'outer_steps': '1'})


def clean_env():
    "Our environment without anything that would point Python or soar at the checkout."
    return {**{k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'SOAR_EXPERIMENTS')},
            'OMP_NUM_THREADS': '1', 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1', 'TOKENIZERS_PARALLELISM': 'false'}


@pytest.fixture(scope='module')
def venv_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('install')
    env_dir = tmp/'venv'
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir/'bin'/'python'
    # dependencies: reuse the ones already installed here (a .pth file), so the test needs no network and no GBs;
    # the package itself is built as a wheel and installed for real (not editable, no deps).
    site = subprocess.check_output([str(py), '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], text=True).strip()
    Path(site, '_deps.pth').write_text(sysconfig.get_paths()['purelib'] + '\n')
    src = tmp/'src'
    subprocess.run(['git', 'clone', '-q', str(ROOT), str(src)], check=True)   # a clean copy: what is committed
    subprocess.run(['cp', '-r', str(ROOT/'soar'), str(src)], check=True)       # plus the current package export
    subprocess.run(['cp', '-r', str(ROOT/'nbs'/'experiments'), str(src/'nbs')], check=True)   # and the current experiment notebooks
    r = subprocess.run([str(py), '-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation', '-w', str(tmp/'dist'), str(src)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    whl, = (tmp/'dist').glob('soar-*.whl')
    names = zipfile.ZipFile(whl).namelist()
    for nb in ('soar_run', 'filtering', 'evaluation', 'analysis', 'report'): assert f'soar/experiments/{nb}.ipynb' in names, names
    r = subprocess.run([str(py), '-m', 'pip', 'install', '-q', '--no-deps', str(whl)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    return env_dir


def test_pip_install_into_new_venv(venv_dir, tmp_path):
    code = ("import soar, soar.data, soar.grading, soar.prompts, soar.metrics, soar.policy, soar.generation, soar.vllm, soar.rloo, soar.outer, soar.cli;"
            "from soar.notebooks import experiments_dir; print(soar.__file__); print(experiments_dir())")
    r = subprocess.run([str(venv_dir/'bin'/'python'), '-c', code], capture_output=True, text=True, cwd=tmp_path, env=clean_env())
    assert r.returncode == 0, r.stderr[-3000:]
    mod, exp = r.stdout.split()
    assert str(venv_dir) in mod and 'nbs' not in mod                   # imported from the new venv, not the checkout
    assert not (Path(mod).parent.parent/'nbs').exists()
    assert Path(exp) == Path(mod).parent/'experiments'                  # the notebooks shipped in the wheel
    r = subprocess.run([str(venv_dir/'bin'/'soar'), '--help'], capture_output=True, text=True, cwd=tmp_path, env=clean_env())
    assert r.returncode == 0 and 'run' in r.stdout


def test_soar_run_from_the_wheel(venv_dir, tmp_path):
    "One tiny outer step of the toy world with the installed `soar`, in a folder outside any checkout (about a minute)."
    sets = [a for k, v in RUN_TINY.items() for a in ('--set', f'{k}={v}')]
    r = subprocess.run([str(venv_dir/'bin'/'soar'), 'run', '--preset', 'toy', '--out', 'runs/toy', *sets],
                       capture_output=True, text=True, cwd=tmp_path, env=clean_env(), timeout=1200)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    run = tmp_path/'runs'/'toy'
    rows = [json.loads(l) for l in (run/'metrics.jsonl').read_text().splitlines()]
    assert len(rows) == 1 and (run/'soar_run.ipynb').exists()
