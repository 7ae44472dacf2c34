"""How often SmolLM2-135M-Instruct writes a parsable teacher output, for several teacher-prompt variants.

Samples `--n` teacher outputs per variant (T = 1.0, the smollm2-cpu preset's `teacher.max_new_tokens`, one fixed seed)
from SmolLM2-135M-Instruct and counts those that pass `soar.prompts.parse_teacher_output` (prefix + completion).
Also counts the tags seen, the accepted questions that copy a format example verbatim, and the distinct accepted
questions. Writes bench/generation/results/teacher_format.json; the prompts notebook quotes it.

    python bench/generation/teacher_format.py [--n 32] [--seed 1] [--threads 1]
"""
import argparse, json, os, platform, time
from pathlib import Path


def variants():
    from soar.prompts import PromptSet, MATH_STUDENT, MATH_TEACHER, MATH_TEACHER_SHORT, MATH_TEACHER_EXAMPLES as EX
    P = lambda ins, k=0, prefix='': PromptSet(MATH_STUDENT, ins, 'chat', teacher_examples=EX[:k], teacher_response_prefix=prefix)
    return {
        'math-chat (paper-style instruction)': P(MATH_TEACHER),
        'paper-style instruction + prefix': P(MATH_TEACHER, 0, '<question>'),
        'short instruction + prefix': P(MATH_TEACHER_SHORT, 0, '<question>'),
        'short + 1 example + prefix': P(MATH_TEACHER_SHORT, 1, '<question>'),
        'short + 2 examples + prefix': P(MATH_TEACHER_SHORT, 2, '<question>'),
        'short + 3 examples + prefix': P(MATH_TEACHER_SHORT, 3, '<question>'),
        'short + 3 examples, no prefix': P(MATH_TEACHER_SHORT, 3, ''),
        'paper-style instruction + 3 examples + prefix': P(MATH_TEACHER, 3, '<question>'),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=32); ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--threads', type=int, default=1); ap.add_argument('--only', default=None, help='substring of variant names')
    ap.add_argument('--out', default='bench/generation/results/teacher_format.json')
    a = ap.parse_args()
    import torch; torch.set_num_threads(a.threads)
    from soar.config import make_config
    from soar.models import smollm2_path
    from soar.policy import load_policy
    from soar.generation import make_generator, SamplingParams
    from soar.prompts import format_teacher, parse_teacher_output, MATH_TEACHER_EXAMPLES
    max_new = make_config('smollm2-cpu').teacher.max_new_tokens
    pol = load_policy(smollm2_path()); gen = make_generator(pol)
    res = {'date': time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()), 'machine': platform.processor() or platform.machine(),
           'cpus': os.cpu_count(), 'threads': a.threads, 'load_before': os.getloadavg(), 'model': 'SmolLM2-135M-Instruct',
           'n': a.n, 'seed': a.seed, 'temperature': 1.0, 'max_new_tokens': max_new, 'variants': []}
    examples = {q for q, _ in MATH_TEACHER_EXAMPLES}
    for name, ps in variants().items():
        if a.only and a.only not in name: continue
        prompt = format_teacher(ps, pol.tokenizer)
        t0 = time.perf_counter()
        comps = gen.generate([prompt], SamplingParams(n=a.n, temperature=1.0, max_new_tokens=max_new, seed=a.seed))[0]
        texts = [prompt.response_prefix + c.text for c in comps]
        ok = [q for q in (parse_teacher_output(t) for t in texts) if q is not None]
        row = dict(variant=name, examples=len(ps.teacher_examples), prefix=ps.teacher_response_prefix,
                   parsable=len(ok), rate=len(ok) / a.n, seconds=round(time.perf_counter() - t0, 1),
                   mean_tokens=round(sum(len(c.token_ids) for c in comps) / a.n, 1),
                   tags={s: sum(s in t for t in texts) for s in ('</question>', '<answer>', '</answer>', '\\boxed{')},
                   copies_of_examples=sum(q in examples for q, _ in ok), distinct_questions=len({q for q, _ in ok}),
                   accepted=[dict(question=q, answer=ans) for q, ans in ok][:8], rejected_sample=[t for t, c in
                   zip(texts, comps) if parse_teacher_output(t) is None][:3])
        res['variants'].append(row)
        print(json.dumps({k: row[k] for k in ('variant', 'parsable', 'rate', 'seconds', 'mean_tokens', 'tags',
                                              'copies_of_examples', 'distinct_questions')}), flush=True)
    res['load_after'] = os.getloadavg()
    Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=1))
    print(f"wrote {a.out}")


if __name__ == '__main__': main()
