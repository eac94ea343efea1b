#!/usr/bin/env python3
"""Measurement 13 (issue 16): from a job's POST being sent to the job's own first instruction, on the local
engine: a scheduler with a warm pool (`serve --warm-pool`), the same scheduler without one (the cold path),
and `docker run` of the same image.

  python3 Benchmarks/warmstart.py BINARY [--runs 40] [--pool 4]

The job is a static program of a few lines (built here with the system's C compiler into an image FROM
scratch) whose first instruction reads the wall clock and prints it: the host's clock, which the
measurement reads too just before sending. Runs alternate between the three paths; before each warm run
the pool is full again and the previous job has ended. Prints a markdown table (median, p99, max) with the
machine's load; removes every container and volume it made.
"""
import argparse, json, os, signal, statistics, subprocess, sys, tempfile, time, urllib.request, uuid

from benchsupport import clean, docker, free_port, spread

CLOCK_C = r"""
#include <stdio.h>
#include <time.h>
int main(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);  /* the job's first instruction */
    printf("%lld\n", (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
    return 0;
}
"""
IMAGE = "jobsched-bench-clock:latest"


def build_image(folder):
    with open(os.path.join(folder, "clock.c"), "w") as source:
        source.write(CLOCK_C)
    subprocess.run(["cc", "-static", "-O2", "-s", "-o", os.path.join(folder, "clock"), os.path.join(folder, "clock.c")], check=True)
    with open(os.path.join(folder, "Dockerfile"), "w") as dockerfile:
        dockerfile.write('FROM scratch\nCOPY clock /clock\nENTRYPOINT ["/clock"]\n')
    subprocess.run(["docker", "build", "-q", "-t", IMAGE, folder], check=True, capture_output=True)


def config(application, port):
    return f"""apiVersion: radix.equinor.com/v1
kind: RadixApplication
metadata:
  name: {application}
spec:
  environments:
    - name: dev
  jobs:
    - name: clock
      image: {IMAGE}
      schedulerPort: {port}
      payload:
        path: /args
"""


class Scheduler:
    def __init__(self, binary, folder, application, pool):
        self.application = application
        self.port = free_port()
        path = os.path.join(folder, application + ".yaml")
        with open(path, "w") as file:
            file.write(config(application, self.port))
        arguments = [binary, "serve", "--config", path, "--job", "clock", "--host", "127.0.0.1", "--history-limit", "1000"]
        if pool:
            arguments += ["--warm-pool", str(pool)]
        self.pool = pool
        self.log = open(os.path.join(folder, application + ".log"), "w")
        self.process = subprocess.Popen(arguments, stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}/api/v1"
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(self.base + "/jobs", timeout=2).read()
                break
            except Exception:
                if time.time() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"scheduler {application} did not answer")
                time.sleep(0.1)

    def waiting_members(self):
        lines = docker("ps", "--filter", f"label=radix-app={self.application}", "--filter", "label=radix-warm-member",
                       "--format", '{{.Names}} {{.Label "radix-warm-member"}}').split("\n")
        return sum(1 for line in lines if line and line.split()[0] == line.split()[-1])

    def ready(self):
        """Until the pool is full again and no job of this scheduler runs."""
        deadline = time.time() + 60
        while time.time() < deadline:
            running = docker("ps", "-q", "--filter", f"label=radix-app={self.application}").split()
            if len(running) == self.pool and (not self.pool or self.waiting_members() == self.pool):
                return
            time.sleep(0.05)
        raise RuntimeError("the scheduler did not settle")

    def run(self):
        """Seconds from the POST's sending to the job's first instruction, and to the POST's answer."""
        body = json.dumps({"payload": "x"}).encode()
        request = urllib.request.Request(self.base + "/jobs", data=body, headers={"Content-Type": "application/json"})
        sent = time.time_ns()
        with urllib.request.urlopen(request, timeout=60) as answer:
            name = json.load(answer)["name"]
        answered = time.time_ns()
        deadline = time.time() + 60
        while time.time() < deadline:
            output = subprocess.run(["docker", "logs", name], capture_output=True, text=True).stdout.strip()
            if output:
                return (int(output) - sent) / 1e9, (answered - sent) / 1e9
            time.sleep(0.02)
        raise RuntimeError(f"job {name} printed nothing")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        clean(self.application)


def docker_run():
    sent = time.time_ns()
    output = subprocess.run(["docker", "run", "--rm", IMAGE], capture_output=True, text=True, check=True).stdout.strip()
    return (int(output) - sent) / 1e9


def summary(values):
    median, p99, largest = spread(values)
    return f"{median * 1000:.1f} | {p99 * 1000:.1f} | {largest * 1000:.1f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--pool", type=int, default=4)
    options = parser.parse_args()
    run_id = uuid.uuid4().hex[:6]
    folder = tempfile.mkdtemp(prefix=f"jsb-warm-{run_id}-")
    build_image(folder)
    warm = cold = None
    try:
        warm = Scheduler(options.binary, folder, f"jsb-{run_id}-warm", options.pool)
        cold = Scheduler(options.binary, folder, f"jsb-{run_id}-cold", 0)
        results = {"warm": [], "warm answer": [], "cold": [], "cold answer": [], "docker run": []}
        load = []
        for index in range(options.runs + 3):
            measured = index >= 3  # three warm-up rounds
            for side in (["warm", "cold", "docker"] if index % 2 == 0 else ["docker", "cold", "warm"]):
                if side == "docker":
                    value = docker_run()
                    if measured:
                        results["docker run"].append(value)
                    continue
                scheduler = warm if side == "warm" else cold
                scheduler.ready()
                start, answer = scheduler.run()
                if measured:
                    results[side].append(start)
                    results[side + " answer"].append(answer)
            load.append(os.getloadavg()[0])
        print(f"| path ({options.runs} runs each, pool of {options.pool}) | median ms | p99 ms | max ms |")
        print("|---|---|---|---|")
        print(f"| warm pool: POST sent → job's first instruction | {summary(results['warm'])} |")
        print(f"| warm pool: POST sent → answer | {summary(results['warm answer'])} |")
        print(f"| cold (no pool): POST sent → job's first instruction | {summary(results['cold'])} |")
        print(f"| cold (no pool): POST sent → answer | {summary(results['cold answer'])} |")
        print(f"| `docker run --rm`: command → job's first instruction | {summary(results['docker run'])} |")
        print(f"\nload average (1 min) during the runs: median {statistics.median(load):.2f}, max {max(load):.2f}; 2 cores")
    finally:
        for scheduler in (warm, cold):
            if scheduler:
                scheduler.stop()


if __name__ == "__main__":
    sys.exit(main())
