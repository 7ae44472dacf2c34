"""soar.diversity, soar.quality and soar.plots outside the notebooks: light imports, and the default embedder loading with the hub offline."""
import os, subprocess, sys, textwrap


def _run(code: str, **env):
    e = {**os.environ, 'OMP_NUM_THREADS': '1', **env}
    return subprocess.run([sys.executable, '-c', textwrap.dedent(code)], capture_output=True, text=True, env=e, timeout=300)


def test_import_is_light():
    "Importing the analysis modules pulls in neither torch/transformers nor sentence-transformers, vendi-score or matplotlib."
    r = _run("""
        import sys, soar.diversity, soar.quality, soar.plots
        heavy = [m for m in ('torch', 'transformers', 'sentence_transformers', 'vendi_score', 'matplotlib') if m in sys.modules]
        assert not heavy, heavy
    """)
    assert r.returncode == 0, r.stderr


def test_default_embedder_offline():
    "The default MiniLM embedder loads and embeds with HF_HUB_OFFLINE=1 and without sentence-transformers."
    r = _run("""
        import sys, numpy as np
        sys.modules['sentence_transformers'] = None          # make any import of it fail
        from soar.diversity import embed, vendi_score
        E = embed(['What is 2 + 3?', 'What is 2 + 3?', 'Find the area of a circle of radius 4.'])
        assert E.shape == (3, 384) and np.allclose(np.linalg.norm(E, axis=1), 1, atol=1e-5)
        assert abs(vendi_score(E[:2]) - 1) < 1e-6
    """, HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1')
    assert r.returncode == 0, r.stderr
