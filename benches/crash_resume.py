#!/usr/bin/env python3
"""Crash test in the spirit of SQLite's (issue #36, acceptance F).

Kills `sequda train` (and the `sequda resume` runs that follow) with SIGKILL at random
moments, half of them while a checkpoint is being written (while the staging folder
`.checkpoint-next` exists), and resumes after each kill until every run finishes. Then checks
that each finished run folder is consistent:

- `summary.json` exists, its best epoch is the best validation NDCG@10 in `metrics.jsonl`
  (earliest of equals), and its validation metrics are that line's;
- `model.bpk` is that epoch's checkpoint: `sequda eval --run` on test gives exactly the
  summary's test metrics;
- `optimizer.bpk` and the GAN files are there, no staging folder is left, and
  `test_ranks.json` holds every test user.

    benches/crash_resume.py [--kills 50] [--seed 1] [--sequda PATH] [--out DIR]

Prints one line per kill and a JSON summary at the end; exits non-zero when any run fails to
finish or any folder is inconsistent. A kill that lands before the first checkpoint leaves
nothing to resume: that run starts again with `train --overwrite` (counted as "restarted").
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time

TRAIN = ["--data", "sample_data/ad_events.csv", "--model", "sequda", "--device", "cpu",
         "--epochs", "5", "--dim", "16", "--max-len", "20"]
STAGING = ".checkpoint-next"
GAN_FILES = ["gan_generator.bpk", "gan_discriminator.bpk",
             "gan_generator_optimizer.bpk", "gan_discriminator_optimizer.bpk"]


def start(args, command, run, seed, overwrite=False):
    """Starts `sequda train` or `sequda resume` on `run`, output to run.log."""
    if command == "train":
        argv = [args.sequda, "train", *TRAIN, "--seed", str(seed), "--out", run]
        if overwrite:
            argv.append("--overwrite")
    else:
        argv = [args.sequda, "resume", "--run", run, "--device", "cpu"]
    log = open(run + ".log", "a")
    log.write(f"\n$ {' '.join(argv)}\n")
    log.flush()
    return subprocess.Popen(argv, stdout=log, stderr=log)


def kill_at_random_moment(process, run, rng):
    """Kills `process` at a random moment or during a checkpoint write. Returns what happened:
    'finished' when it ended first, else the kind of moment it was killed at."""
    during_checkpoint = rng.random() < 0.5
    deadline = time.time() + rng.uniform(0.3, 12.0)
    staging = os.path.join(run, STAGING)
    # A staging folder a previous kill left is cleared by the resume first: wait for a new one.
    seen_absent = not os.path.isdir(staging)
    while process.poll() is None:
        present = os.path.isdir(staging)
        seen_absent = seen_absent or not present
        if during_checkpoint and seen_absent and present:
            time.sleep(rng.uniform(0.0, 0.03))
            break
        if not during_checkpoint and time.time() >= deadline:
            break
        time.sleep(0.002)
    if process.poll() is not None:
        return "finished"
    staged = os.path.isdir(staging)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return "checkpoint write" if staged else "between checkpoints"


def cut_before_first_checkpoint(run):
    """Whether the last command on `run` refused to resume because nothing was checkpointed."""
    lines = open(run + ".log").read().strip().splitlines()
    return bool(lines) and "no checkpoint yet" in lines[-1]


def finish(args, run, seed, counts):
    """Resumes `run` (or trains it afresh when nothing was checkpointed) until it finishes,
    unkilled. Returns 0 once it has."""
    for _ in range(5):
        if os.path.exists(os.path.join(run, "summary.json")):
            return 0
        if start(args, "resume", run, seed).wait() == 0:
            return 0
        if cut_before_first_checkpoint(run):
            counts["restarted"] += 1
            if start(args, "train", run, seed, overwrite=True).wait() == 0:
                return 0
    return 1


def best_epoch(run):
    """(epoch, valid metrics) of the best validation NDCG@10 in metrics.jsonl, earliest of equals."""
    best = None
    for line in open(os.path.join(run, "metrics.jsonl")):
        record = json.loads(line)
        if "valid" not in record or "epoch" not in record:
            continue
        if best is None or record["valid"]["ndcg@10"] > best[1]["ndcg@10"]:
            best = (record["epoch"], record["valid"])
    return best


def check(args, run):
    """Problems with a finished run folder (empty when consistent)."""
    problems = []
    summary = json.load(open(os.path.join(run, "summary.json")))
    epoch, valid = best_epoch(run)
    if summary["best_epoch"] != epoch:
        problems.append(f"summary best epoch {summary['best_epoch']}, log says {epoch}")
    if summary["valid"] != valid:
        problems.append("summary validation metrics differ from the log's best epoch")
    evaluated = subprocess.run([args.sequda, "eval", "--run", run, "--device", "cpu"],
                               capture_output=True, text=True)
    if evaluated.returncode != 0:
        problems.append(f"eval failed: {evaluated.stderr.strip()[-200:]}")
    else:
        metrics = json.loads(evaluated.stdout)["metrics"]
        if any(abs(metrics[k] - summary["test"][k]) > 1e-9 for k in summary["test"]):
            problems.append(f"checkpoint's test metrics {metrics} != summary {summary['test']}")
    for name in ["model.bpk", "optimizer.bpk", "test_ranks.json", *GAN_FILES]:
        if not os.path.exists(os.path.join(run, name)):
            problems.append(f"{name} missing")
    if os.path.exists(os.path.join(run, STAGING)):
        problems.append("staging folder left behind")
    ranks = json.load(open(os.path.join(run, "test_ranks.json")))
    if len(ranks["users"]) != summary["test"]["users"]:
        problems.append("test_ranks.json does not hold every test user")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sequda", default="target/release/sequda")
    parser.add_argument("--out", default="/tmp/crash-resume")
    args = parser.parse_args()
    args.sequda = os.path.abspath(args.sequda)
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    counts = {"kills": 0, "checkpoint write": 0, "between checkpoints": 0, "restarted": 0,
              "runs": 0, "finished": 0, "consistent": 0}
    failures = []
    started = time.time()
    while counts["kills"] < args.kills:
        counts["runs"] += 1
        run = os.path.join(args.out, f"run{counts['runs']:03}")
        subprocess.run(["rm", "-rf", run, run + ".log"])
        process = start(args, "train", run, counts["runs"])
        while counts["kills"] < args.kills:
            moment = kill_at_random_moment(process, run, rng)
            if moment == "finished":
                if process.returncode != 0 and cut_before_first_checkpoint(run):
                    counts["restarted"] += 1
                    process = start(args, "train", run, counts["runs"], overwrite=True)
                    continue
                break
            counts["kills"] += 1
            counts[moment] += 1
            print(f"kill {counts['kills']:3}: {os.path.basename(run)} during {moment}", flush=True)
            if os.path.exists(os.path.join(run, "summary.json")):
                break
            # The resumed process is itself killed at the next random moment.
            process = start(args, "resume", run, counts["runs"])
        process.wait()
        if finish(args, run, counts["runs"], counts) != 0:
            failures.append(f"{run}: did not finish (see {run}.log)")
            continue
        counts["finished"] += 1
        problems = check(args, run)
        if problems:
            failures.append(f"{run}: " + "; ".join(problems))
        else:
            counts["consistent"] += 1
    counts["seconds"] = round(time.time() - started, 1)
    counts["failures"] = failures
    print(json.dumps(counts, indent=1))
    sys.exit(1 if failures or counts["consistent"] != counts["runs"] else 0)


if __name__ == "__main__":
    main()
