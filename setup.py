"""Packaging for soar: every setting lives in settings.ini (nbdev 2 layout)."""
import shlex
from configparser import ConfigParser
from pathlib import Path
import setuptools
from setuptools.command.build_py import build_py as _build_py

HERE = Path(__file__).resolve().parent
config = ConfigParser(delimiters=['='])
config.read(HERE/'settings.ini', encoding='utf-8')
cfg = config['DEFAULT']

def reqs(key): return shlex.split(cfg.get(key, ''))

licenses = {'apache2': 'Apache-2.0'}  # SPDX expression (license classifiers are deprecated)
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
lic = licenses[cfg['license'].lower()]
py_versions = '3.10 3.11 3.12'.split()


class build_py(_build_py):
    """Also ship the experiment notebooks as package data: nbs/experiments/*.ipynb (their source of truth) are copied
    into the built package as soar/experiments/, where `soar.notebooks.experiments_dir()` finds them with
    importlib.resources. An editable install needs no copy: it finds them in the checkout."""
    def run(self):
        super().run()
        if getattr(self, 'editable_mode', False): return
        src, dst = HERE/'nbs'/'experiments', Path(self.build_lib)/cfg['lib_path']/'experiments'
        nbs = sorted(src.glob('*.ipynb'))
        if not nbs: raise FileNotFoundError(f"{src}: no experiment notebooks to ship (build from a checkout or its sdist)")
        self.mkpath(str(dst))
        for f in nbs: self.copy_file(str(f), str(dst/f.name))

    def get_outputs(self, include_bytecode=True):
        outs = super().get_outputs(include_bytecode)
        if getattr(self, 'editable_mode', False): return outs
        dst = Path(self.build_lib)/cfg['lib_path']/'experiments'
        return outs + [str(dst/f.name) for f in sorted((HERE/'nbs'/'experiments').glob('*.ipynb'))]


setuptools.setup(
    name=cfg['lib_name'],
    version=cfg['version'],
    license=lic,
    classifiers=['Development Status :: ' + statuses[int(cfg['status'])],
                 'Intended Audience :: ' + cfg['audience'].title(),
                 'Natural Language :: ' + cfg['language'].title()] + ['Programming Language :: Python :: ' + o for o in py_versions],
    url=cfg['git_url'],
    packages=setuptools.find_packages(include=['soar', 'soar.*']),
    cmdclass={'build_py': build_py},
    include_package_data=True,
    # soar/assets/** (e.g. the toy model's weights) ship as they are; experiments/ is filled by build_py above
    package_data={'soar': ['experiments/*.ipynb', 'assets/**/*']},
    install_requires=reqs('requirements'),
    extras_require={'dev': reqs('dev_requirements'), 'gpu': reqs('gpu_requirements'), 'ray': reqs('ray_requirements')},
    python_requires='>=' + cfg['min_python'],
    long_description=(HERE/'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    zip_safe=False,
    entry_points={'console_scripts': reqs('console_scripts'), 'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
    author=cfg['author'], author_email=cfg['author_email'], description=cfg['description'],
    keywords=cfg['keywords'],
)
