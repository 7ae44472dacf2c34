"""Does the learnability reward (Intrinsic-T) depend on which student computes it? (issue 24)

B.4 samples "32 completions from the student" without saying which; ours is the base student at every step (a
learnability run has no inner loop, so nothing is promoted). The alternative a reader might expect is a student that
has learned something (as SOAR's promoted student has). This measures, on the toy world, the learnability reward of
the same candidate datasets under (a) the shipped base student and (b) that student after an 8-step inner loop on 64
stepping stones (add4-add6; the toy preset's student), with the toy preset's settings (32 samples per question):
- 6 candidate datasets of 16 questions, one per family add2..add7 (easy to hard), fixed seeds;
- per dataset the reward R_k = mean_i r_i (r_i = 0 if the success rate is 0, else 1 - rate) under each student, and
  the ranking of the datasets under each (what the teacher's RLOO update sees).
Not a test: nothing is asserted. Writes bench/toy/results/toy_intrinsic_student.json.
Usage: OMP_NUM_THREADS=1 python bench/toy/toy_intrinsic_student.py [--out FILE]
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, subprocess, time
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', default='bench/toy/results/toy_intrinsic_student.json'); a = ap.parse_args()
    import numpy as np, torch
    torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))
    from dataclasses import replace
    from soar.toy import toy_model_path, toy_problems, _max_new_tokens
    from soar.policy import load_policy
    from soar.generation import make_generator
    from soar.rloo import train_student
    from soar.config import make_config
    from soar.inner import InnerSettings, intrinsic_rewards
    cfg = make_config('toy')
    pol = load_policy(toy_model_path()); gen = make_generator(pol)
    fams = [f'add{k}' for k in range(2, 8)]
    datasets = [toy_problems(f, 16, seed=500 + i) for i, f in enumerate(fams)]
    stones = toy_problems('add4', 22, seed=1) + toy_problems('add5', 21, seed=1) + toy_problems('add6', 21, seed=1)
    mnt = _max_new_tokens(stones + [q for ds in datasets for q in ds])
    st = InnerSettings(replace(cfg.student, max_new_tokens=mnt), prompts=cfg.prompt_set, verifier=cfg.grader_name)
    t0 = time.perf_counter(); out = {}
    out['base'] = intrinsic_rewards(gen, datasets, cfg.intrinsic_samples, st, seed=7, tokenizer=pol.tokenizer)
    train_student(pol, stones, cfg.inner_steps, st.student, generator=gen, verifier=st.verifier, prompts=st.prompts, seed=1, progress=False)
    out['trained'] = intrinsic_rewards(gen, datasets, cfg.intrinsic_samples, st, seed=7, tokenizer=pol.tokenizer)
    rank = {k: [fams[i] for i in np.argsort(v)[::-1]] for k, v in out.items()}
    res = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
               machine=platform.processor() or platform.machine(), cpu_count=os.cpu_count(),
               load=subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip(), seconds=round(time.perf_counter() - t0, 1),
               families=fams, rewards={k: [round(x, 4) for x in v] for k, v in out.items()}, ranking=rank,
               best=dict(base=rank['base'][0], trained=rank['trained'][0]))
    Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=1))
    print(json.dumps(res, indent=1))


if __name__ == '__main__': main()
