"Checks of soar.policy / soar.generation that need fresh interpreters (the notebooks nbs/11_policy.ipynb and nbs/11a_generation.ipynb hold the rest)."
import json, os, subprocess, sys, textwrap

ENV = dict(os.environ, OMP_NUM_THREADS='1', TOKENIZERS_PARALLELISM='false')


def _run(code: str) -> str:
    r = subprocess.run([sys.executable, '-c', textwrap.dedent(code)], capture_output=True, text=True, env=ENV, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout.strip().splitlines()[-1]


def test_import_does_not_need_vllm_or_peft():
    out = _run("""
        import sys, soar.policy, soar.generation, soar.vllm
        print(','.join(m for m in ('vllm', 'peft') if m in sys.modules) or 'none')
    """)
    assert out == 'none'


SAMPLE = """
    import json, torch
    from soar.models import char_tokenizer, tiny_lm
    from soar.policy import Policy
    from soar.generation import TransformersGenerator, SamplingParams
    torch.manual_seed({global_seed})            # the global RNG must not matter
    tok = char_tokenizer(); pol = Policy(tiny_lm(tok), tok)
    out = TransformersGenerator(pol, max_batch_size={bs}).generate(['User: 2+2?\\nAssistant:', 'hello'],
                                                                  SamplingParams(n=3, max_new_tokens=10, seed=11))
    print(json.dumps([[c.token_ids for c in cs] for cs in out]))
"""


def test_same_seed_same_completions_across_processes():
    a = json.loads(_run(SAMPLE.format(global_seed=0, bs=64)))
    b = json.loads(_run(SAMPLE.format(global_seed=123, bs=2)))
    assert a == b and len(a) == 2 and all(len(x) == 3 for x in a)
