"Cache entries built by `soar.models.build_dir_atomic` survive concurrent builders (separate processes)."
import multiprocessing as mp, time
from pathlib import Path


def _build(final, tag, q):
    from soar.models import build_dir_atomic
    def build(d):
        (Path(d) / 'config.json').write_text(tag)
        time.sleep(0.5)                              # both builders are inside build() at the same time
        (Path(d) / 'weights.bin').write_text(tag * 1000)
    q.put(str(build_dir_atomic(final, build)))


def test_concurrent_builders(tmp_path):
    final = tmp_path / 'models' / 'entry'
    ctx = mp.get_context('spawn')
    q = ctx.Queue()
    procs = [ctx.Process(target=_build, args=(final, tag, q)) for tag in 'ab']
    for p in procs: p.start()
    for p in procs: p.join(60)
    assert all(p.exitcode == 0 for p in procs)
    assert {q.get(timeout=5), q.get(timeout=5)} == {str(final)}
    tag = (final / 'config.json').read_text()
    assert (final / 'weights.bin').read_text() == tag * 1000     # one builder's complete output, not a mix
    assert [x.name for x in final.parent.iterdir()] == ['entry']  # no temporary folders left behind


def test_char_tokenizer_roundtrip_subprocess(tmp_path):
    "A saved char tokenizer reloads in a fresh interpreter with AutoTokenizer, offline."
    import subprocess, sys, os
    from soar.models import char_tokenizer
    char_tokenizer().save_pretrained(tmp_path)
    code = ("from transformers import AutoTokenizer; t = AutoTokenizer.from_pretrained(%r); "
            "print(t.decode(t('User: 1+2\\nAssistant:').input_ids, skip_special_tokens=True) == 'User: 1+2\\nAssistant:')"
            % str(tmp_path))
    env = dict(os.environ, HF_HUB_OFFLINE='1', OMP_NUM_THREADS='1')
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=env, timeout=120)
    assert r.stdout.strip().splitlines()[-1] == 'True', r.stderr
