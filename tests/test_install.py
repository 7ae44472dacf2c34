"""The package builds and imports in a new virtual environment with `pip install .`, without the notebooks."""
import os, subprocess, sys, sysconfig, venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def test_pip_install_into_new_venv(tmp_path):
    env_dir = tmp_path/'venv'
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir/'bin'/'python'
    # dependencies: reuse the ones already installed here (a .pth file), so the test needs no network and no GBs;
    # the package itself is built and installed for real from the source tree (not editable, no deps).
    site = subprocess.check_output([str(py), '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], text=True).strip()
    Path(site, '_deps.pth').write_text(sysconfig.get_paths()['purelib'] + '\n')
    src = tmp_path/'src'
    subprocess.run(['git', 'clone', '-q', str(ROOT), str(src)], check=True)   # a clean copy: what is committed
    subprocess.run(['cp', '-r', str(ROOT/'soar'), str(src)], check=True)       # plus the current package export
    r = subprocess.run([str(py), '-m', 'pip', 'install', '-q', '--no-deps', '--no-build-isolation', str(src)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    code = ("import soar, soar.data, soar.grading, soar.prompts, soar.metrics, soar.policy, soar.rloo, soar.outer, soar.cli;"
            "print(soar.__file__)")
    r = subprocess.run([str(py), '-c', code], capture_output=True, text=True, cwd=tmp_path,
                       env={k: v for k, v in os.environ.items() if k != 'PYTHONPATH'})
    assert r.returncode == 0, r.stderr[-3000:]
    assert str(env_dir) in r.stdout and 'nbs' not in r.stdout       # imported from the new venv, not the checkout
    assert not (Path(r.stdout.strip()).parent.parent/'nbs').exists()
    r = subprocess.run([str(env_dir/'bin'/'soar'), '--help'], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0 and 'run' in r.stdout
