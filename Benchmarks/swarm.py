#!/usr/bin/env python3
"""Measurement 11 (issue 15): the scheduler with the swarm runtime on the three-node swarm of scripts/swarm.sh
(made for the run and torn down after), against the same job done directly as a swarm service through the
manager's Engine API.

  python3 Benchmarks/swarm.py BINARY [--image jobsched-busybox:latest] [--runs 10] [--burst 100]

11a: one job's life (`true`), median of --runs: POST until GET says Succeeded, against a `replicated-job` service
     created directly, its task list polled until the task is complete, then the service removed (and without the
     removal: the scheduler keeps the service as history).
11b: a burst of --burst jobs at once: POSTs from as many threads, then GET /api/v1/jobs every 100 ms until all
     succeeded; against as many services created at once and their tasks polled until all are complete.
11c: how the burst's jobs were spread over the nodes.
Both sides poll every 5 ms (11a). Prints a markdown table.
"""
import argparse, collections, http.client, json, os, signal, socket, statistics, subprocess, sys, tempfile, threading, time
import urllib.parse, urllib.request, uuid

from benchsupport import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Engine(http.client.HTTPConnection):
    """A kept-alive HTTP/1.1 connection to an engine's Unix socket."""

    def __init__(self, path):
        super().__init__("localhost", timeout=120)
        self.socket_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.socket_path)

    def call(self, method, path, body=None):
        self.request(method, path, body=None if body is None else json.dumps(body),
                     headers={"Content-Type": "application/json"} if body is not None else {})
        answer = self.getresponse()
        data = answer.read()
        if answer.status >= 300:
            raise RuntimeError(f"{method} {path}: {answer.status} {data[:300]!r}")
        return json.loads(data) if data else None


def service_spec(name, image, run_id):
    return {"Name": name, "Labels": {"jsb-swarm": run_id},
            "TaskTemplate": {"ContainerSpec": {"Image": image, "Command": ["true"], "Labels": {"jsb-swarm": run_id}},
                             "RestartPolicy": {"Condition": "none"}},
            "Mode": {"ReplicatedJob": {"MaxConcurrent": 1, "TotalCompletions": 1}}}


def tasks(engine, **filters):
    return engine.call("GET", "/tasks?filters=" + urllib.parse.quote(json.dumps(filters)))


def direct_life(engine, image, run_id, remove=True):
    """A service's life, created to its task complete (and removed): seconds."""
    started = time.time()
    service = engine.call("POST", "/services/create", service_spec(f"jsb-{uuid.uuid4().hex[:10]}", image, run_id))["ID"]
    while not any(task["Status"]["State"] == "complete" for task in tasks(engine, service=[service])):
        time.sleep(0.005)
    done = time.time()
    engine.call("DELETE", f"/services/{service}")
    return (time.time() if remove else done) - started


class Scheduler:
    """A kept-alive connection to the scheduler's API."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(self, method, path, body=None):
        self.connection.request(method, path, body=None if body is None else json.dumps(body),
                                headers={"Content-Type": "application/json"})
        answer = self.connection.getresponse()
        data = answer.read()
        if answer.status >= 300:
            raise RuntimeError(f"{method} {path}: {answer.status} {data[:300]!r}")
        return json.loads(data)


def scheduler_life(api):
    started = time.time()
    name = api.call("POST", "/api/v1/jobs", {})["name"]
    while True:
        status = api.call("GET", f"/api/v1/jobs/{name}")["status"]
        if status in ("Succeeded", "Failed", "Stopped"):
            break
        time.sleep(0.005)
    if status != "Succeeded":
        raise RuntimeError(f"{name} ended {status}")
    return time.time() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--image", default="jobsched-busybox:latest")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--burst", type=int, default=100)
    options = parser.parse_args()

    run_id = uuid.uuid4().hex[:8]
    application = f"jsb-swarm-{run_id}"
    folder = tempfile.mkdtemp(prefix="jsb-swarm.")
    swarm = os.path.join(ROOT, "scripts", "swarm.sh")
    up = subprocess.run(["bash", swarm, "up"], capture_output=True, text=True, check=True,
                        env={**os.environ, "SWARM_IMAGES": options.image, "SWARM_HEARTBEAT": "1s"})
    manager = up.stdout.strip().splitlines()[-1]
    socket_path = manager.removeprefix("unix://")
    server = None
    rows = []
    try:
        port = free_port()
        with open(os.path.join(folder, "radixconfig.yaml"), "w") as f:
            f.write(f"""apiVersion: radix.equinor.com/v1
kind: RadixApplication
metadata:
  name: {application}
spec:
  environments:
    - name: bench
  jobs:
    - name: bench
      image: {options.image}
      schedulerPort: {port}
      command: ["true"]
""")
        log = open(os.path.join(folder, "serve.log"), "w")
        server = subprocess.Popen([options.binary, "serve", "--config", os.path.join(folder, "radixconfig.yaml"), "--host", "127.0.0.1",
                                   "--history-limit", "1000", "--runtime", "swarm"],
                                  stdout=log, stderr=log, env={**os.environ, "DOCKER_HOST": manager, "LOG_LEVEL": "warning"})
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except Exception:
                time.sleep(0.1)
        engine, api = Engine(socket_path), Scheduler(port)

        # 11a: alternating, after two warm-ups each way.
        for _ in range(2):
            scheduler_life(api)
            direct_life(engine, options.image, run_id)
        through, direct, direct_kept = [], [], []
        for _ in range(options.runs):
            through.append(scheduler_life(api))
            direct.append(direct_life(engine, options.image, run_id))
            direct_kept.append(direct_life(engine, options.image, run_id, remove=False))
        s, d, k = statistics.median(through), statistics.median(direct), statistics.median(direct_kept)
        rows.append(("11a", f"one job's life, median of {options.runs}: POST until GET says Succeeded / service created until its task is complete, then removed",
                     f"{s * 1000:.0f} ms", f"{d * 1000:.0f} ms", f"{s / d:.2f}"))
        rows.append(("11a", "the same, against the service without its removal", f"{s * 1000:.0f} ms", f"{k * 1000:.0f} ms", f"{s / k:.2f}"))
        rows.append(("11a", "spread: min / max, through the scheduler and directly",
                     f"{min(through) * 1000:.0f} / {max(through) * 1000:.0f} ms", f"{min(direct) * 1000:.0f} / {max(direct) * 1000:.0f} ms", ""))

        # 11b: the burst through the scheduler.
        names = []
        lock = threading.Lock()
        gate = threading.Barrier(options.burst + 1)

        def post_one():
            own = Scheduler(port)
            gate.wait()
            name = own.call("POST", "/api/v1/jobs", {})["name"]
            with lock:
                names.append(name)

        threads = [threading.Thread(target=post_one) for _ in range(options.burst)]
        for thread in threads:
            thread.start()
        gate.wait()
        started = time.time()
        for thread in threads:
            thread.join()
        posted = time.time() - started
        wanted = set(names)
        while True:
            jobs = [job for job in api.call("GET", "/api/v1/jobs") if job["name"] in wanted]
            if len(jobs) == len(wanted) and all(job["status"] in ("Succeeded", "Failed") for job in jobs):
                break
            time.sleep(0.1)
        burst_scheduler = time.time() - started
        failed = sum(1 for job in jobs if job["status"] != "Succeeded")
        nodes = {node["ID"]: node["Description"]["Hostname"] for node in engine.call("GET", "/nodes")}
        spread = collections.Counter(nodes.get(task.get("NodeID"), "?") for task in tasks(engine, label=[f"radix-app={application}"])
                                     if task["Spec"]["ContainerSpec"].get("Labels", {}).get("radix-job-name") in wanted)

        # 11b: the same number of services directly.
        services = []
        gate = threading.Barrier(options.burst + 1)

        def create_one():
            own = Engine(socket_path)
            gate.wait()
            service = own.call("POST", "/services/create", service_spec(f"jsb-{uuid.uuid4().hex[:10]}", options.image, run_id))["ID"]
            with lock:
                services.append(service)

        threads = [threading.Thread(target=create_one) for _ in range(options.burst)]
        for thread in threads:
            thread.start()
        gate.wait()
        started = time.time()
        for thread in threads:
            thread.join()
        while sum(1 for task in tasks(engine, label=[f"jsb-swarm={run_id}"]) if task["Status"]["State"] == "complete") < options.burst:
            time.sleep(0.1)
        burst_direct = time.time() - started
        rows.append(("11b", f"a burst of {options.burst} jobs at once, until all ended: seconds (jobs/s)",
                     f"{burst_scheduler:.1f} s ({options.burst / burst_scheduler:.1f}/s; last POST answered after {posted:.2f} s; {failed} failed)",
                     f"{burst_direct:.1f} s ({options.burst / burst_direct:.1f}/s)", f"{(options.burst / burst_scheduler) / (options.burst / burst_direct):.2f}"))
        rows.append(("11c", "the burst's jobs by node", ", ".join(f"{node}: {count}" for node, count in sorted(spread.items())), "", ""))
        with open(f"/proc/{server.pid}/status") as status:
            resident = next(line.split()[1] for line in status if line.startswith("VmRSS"))
        rows.append(("11", "the scheduler's resident size after it", f"{int(resident) // 1024} MiB", "", ""))
    finally:
        if server:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        subprocess.run(["bash", swarm, "down"], capture_output=True)
    print("| # | measurement | scheduler (swarm runtime) | swarm service directly | ratio (throughput: scheduler/direct; time: scheduler/direct) |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\nscheduler log: {folder}/serve.log", file=sys.stderr)


if __name__ == "__main__":
    main()
