"""Outer-step time with the inner loops in this process, on 1 Ray actor and on 2 (toy preset), and a projection to 16 GPUs.

Runs real outer steps (`soar.outer.SoarRun`) of the toy world three ways on a local Ray instance (`ensure_ray(num_cpus=2)`):
`executor='inprocess'`, `executor='ray'` with 1 actor, with 2 actors. Each run takes 2 outer steps: step 0 includes
starting the actors (loading torch and the model), step 1 is the steady state that is compared. From the same run it
measures the unit costs of the Ray path: the overhead per task (wall time of the inner-loop phase minus the time the
actors spent in the inner loops, per task), the object-store put of the baseline, the fetch of the median students.
It projects a step with 16 actors on 16 GPUs from them (see `project`: which numbers are measured, which assumed).
Writes bench/outer/results/ray_outer_step.json. Not a test: timings depend on the machine and its load (reported beside them).

    OMP_NUM_THREADS=1 python bench/outer/ray_outer_step.py [--steps 2]
"""
import argparse, json, math, os, platform, tempfile, time
from pathlib import Path

TOY = dict(g=4, n=8, r=2, qr_size=16, inner_steps=2, inner_steps_after_promotion=2, student_batch=8, student_group=8)


def run(mode, actors, steps, d_train):
    "One toy run of `steps` outer steps; per-step phase times, per-task inner-loop times and the executor's stats."
    from soar.config import make_config
    from soar.outer import SoarRun
    from soar.toy import toy_model_path
    cfg = make_config('toy', outer_steps=steps, executor=mode, **TOY)
    with tempfile.TemporaryDirectory() as t:
        r = SoarRun(cfg, toy_model_path(), d_train, Path(t)/'run', progress=False)
        if mode == 'ray': r.executor.n_actors = actors
        task_s, orig = [], r.executor.run
        def timed(*a, **k):                                   # record the time each inner loop took where it ran
            res = orig(*a, **k); task_s.append([x.time_s for x in res]); return res
        r.executor.run = timed
        rows = r.run()
        stats = dict(getattr(r.executor, 'stats', {}))
        if mode == 'ray': r.executor.close()
    steps_out = []
    for row, ts in zip(rows, task_s):
        inner = row['times']['inner_training']
        steps_out.append(dict(step=row['step'], seconds=round(sum(row['times'].values()), 3),
                              phases={k: round(v, 3) for k, v in row['times'].items()},
                              tasks=len(ts), task_s_sum=round(sum(ts), 3), task_s_max=round(max(ts), 3),
                              overhead_per_task_s=round((inner - sum(ts) / (actors if mode == 'ray' else 1)) / len(ts), 3)))
    return dict(mode=mode, actors=actors if mode == 'ray' else 0, steps=steps_out, stats={k: round(v, 3) for k, v in stats.items()},
                dataset_rewards=[row['dataset_rewards'] for row in rows])


def project(inproc, one, gpus=16):
    """Step time with `gpus` actors on `gpus` GPUs, from the unit costs of this run.

    Measured (here, toy world, CPU): the driver-side phases of a step (teacher sampling, Q_R evaluation, teacher
    update, checkpoint) and the Ray overhead per task and per wave (from the 1-actor run, steady step).
    Assumed: that the driver phases and the overhead carry over to the GPU node as measured (they do not depend on
    the number of actors); that one inner loop takes the same time on each GPU (no straggler), here the measured
    mean task time of the toy world, and for the paper shape `paper_task_s`, taken from the paper's reported 7.7 GPU-hours
    per outer step spread evenly over its g*r = 16 inner loops (no GPU was measured here)."""
    s_in, s_one = inproc['steps'][-1], one['steps'][-1]
    driver = sum(v for k, v in s_in['phases'].items() if k != 'inner_training')
    over = s_one['overhead_per_task_s']
    task_mean = s_in['task_s_sum'] / s_in['tasks']
    n_tasks = s_in['tasks']
    toy = driver + math.ceil(n_tasks / gpus) * (task_mean + over)
    paper_task_s, paper_tasks = 7.7 * 3600 / 16, 16
    paper = math.ceil(paper_tasks / gpus) * (paper_task_s + over)
    return dict(
        toy_step_s=round(toy, 2), toy_inprocess_step_s=s_in['seconds'], toy_speedup=round(s_in['seconds'] / toy, 2),
        paper_inner_phase_s=round(paper), paper_inner_phase_one_gpu_s=round(paper_tasks * paper_task_s),
        measured=dict(driver_phases_s=round(driver, 3), overhead_per_task_s=over, toy_task_mean_s=round(task_mean, 3)),
        assumed=dict(gpus=gpus, paper_task_s=round(paper_task_s), paper_tasks=paper_tasks,
                     note='no straggler; driver phases and per-task overhead as measured on this CPU; paper task time from '
                          "the paper's 7.7 GPU-hours per outer step / 16 inner loops (not measured here)"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--steps', type=int, default=2); ap.add_argument('--out', default='bench/outer/results/ray_outer_step.json')
    a = ap.parse_args()
    import torch, ray
    from soar.toy import toy_problems
    d_train = toy_problems('add5', 32, seed=11)
    res = dict(date=time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()), machine=platform.processor() or platform.machine(),
               cpus=os.cpu_count(), threads=torch.get_num_threads(), ray=ray.__version__, preset='toy', overrides=TOY,
               load_before=os.getloadavg())
    from soar.ray_pool import ensure_ray
    t0 = time.perf_counter(); ensure_ray(num_cpus=2)     # ray.init(num_cpus=2), workers at the driver's priority
    res['ray_init_s'] = round(time.perf_counter() - t0, 1)
    try:
        runs = [run('inprocess', 0, a.steps, d_train), run('ray', 1, a.steps, d_train), run('ray', 2, a.steps, d_train)]
    finally: ray.shutdown()
    res['load_after'] = os.getloadavg()
    res['runs'] = runs
    inproc, one, two = runs
    s = [r['steps'][-1]['seconds'] for r in runs]
    res['steady_step_s'] = dict(inprocess=s[0], ray_1_actor=s[1], ray_2_actors=s[2])
    res['ratios'] = dict(ray1_over_inprocess=round(s[1] / s[0], 3), ray2_over_inprocess=round(s[2] / s[0], 3),
                         ray2_over_ray1=round(s[2] / s[1], 3))
    res['first_step_s'] = dict(inprocess=inproc['steps'][0]['seconds'], ray_1_actor=one['steps'][0]['seconds'],
                               ray_2_actors=two['steps'][0]['seconds'])
    res['same_rewards'] = inproc['dataset_rewards'] == one['dataset_rewards'] == two['dataset_rewards']
    res['projection_16_gpus'] = project(inproc, one)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=1))
    print(json.dumps({k: res[k] for k in ('steady_step_s', 'ratios', 'first_step_s', 'same_rewards', 'projection_16_gpus',
                                          'load_before', 'load_after')}, indent=1))
    print(f"wrote {a.out}")


if __name__ == '__main__': main()
