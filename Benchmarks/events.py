#!/usr/bin/env python3
"""Measurement 10 (issue 14): the event stream (`GET /api/v1/events`) of a real `job-scheduler serve` on the
local engine.

  python3 Benchmarks/events.py BINARY [--image jobsched-busybox:latest] [--jobs 30] [--batch 500] [--readers 20]

10a: for --jobs single jobs (`true`), posted one after another, each followed on the stream: from the POST's
     answer to the job's `Create` event, and from the engine's `die` event (its `timeNano`) to the job's final
     `Update` on the stream: what a console sees later than the engine knows.
10b: a batch of --batch jobs followed by --readers streams at once: the events each reader got, the time from the
     POST to each reader's `Completed`, and the same moment seen by polling `GET /api/v1/batches/{name}` every
     100 ms; then a new reader's snapshot of that state (its bytes and the time to its last byte).
Prints a markdown table; removes every container and volume it made.
"""
import argparse, datetime, json, os, signal, socket, statistics, subprocess, sys, tempfile, threading, time, urllib.request, uuid

from benchsupport import clean, docker, free_port, spread


class Stream:
    """One `GET /api/v1/events` read on a thread of its own; every event kept with its arrival time."""

    def __init__(self, base):
        self.events = []
        self.lock = threading.Condition()
        self.answer = urllib.request.urlopen(base + "/api/v1/events", timeout=600)
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        block = []
        try:
            for raw in self.answer:
                line = raw.decode().rstrip("\n")
                if line:
                    block.append(line)
                    continue
                fields = dict(part.split(": ", 1) for part in block if ": " in part and not part.startswith(":"))
                block = []
                if "event" in fields:
                    with self.lock:
                        self.events.append((time.time(), fields["event"], json.loads(fields["data"])))
                        self.lock.notify_all()
        except Exception:
            pass

    def wait_for(self, predicate, timeout=300):
        """The arrival time of the first event (event name, data) that satisfies predicate."""
        deadline = time.time() + timeout
        with self.lock:
            while True:
                for arrived, event, data in self.events:
                    if predicate(event, data):
                        return arrived
                if not self.lock.wait(deadline - time.time()):
                    raise TimeoutError("no such event")

    def close(self):
        self.answer.close()


def post(base, path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as answer:
        return json.load(answer)


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=120) as answer:
        return json.load(answer)


def milliseconds(values):
    median, p99, largest = spread(values)
    return f"{median * 1000:.1f} / {p99 * 1000:.1f} / {largest * 1000:.1f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--image", default="jobsched-busybox:latest")
    parser.add_argument("--jobs", type=int, default=30)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--readers", type=int, default=20)
    options = parser.parse_args()

    application = f"jsb-events-{uuid.uuid4().hex[:8]}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    folder = tempfile.mkdtemp(prefix="jsb-events.")
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
                               "--history-limit", "1000", "--max-running", "8"],
                              stdout=log, stderr=log, env={**os.environ, "LOG_LEVEL": "warning"})
    engine_events = None
    rows = []
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/health", timeout=2)
                break
            except Exception:
                time.sleep(0.1)
        # The engine's own record of each container's end, to compare the stream with.
        engine_events = subprocess.Popen(["docker", "events", "--format", "{{json .}}", "--filter", f"label=radix-app={application}",
                                          "--filter", "event=die"], stdout=subprocess.PIPE, text=True)
        deaths = {}

        def read_deaths():
            for line in engine_events.stdout:
                event = json.loads(line)
                deaths[event["Actor"]["Attributes"]["name"]] = event["timeNano"] / 1e9

        threading.Thread(target=read_deaths, daemon=True).start()

        stream = Stream(base)
        stream.wait_for(lambda event, data: event == "snapshot")
        to_create, die_to_update = [], []
        for _ in range(options.jobs):
            job = post(base, "/api/v1/jobs", {})
            answered = time.time()
            name = job["name"]
            created = stream.wait_for(lambda event, data: event == "job" and data["name"] == name and data["event"] == "Create")
            to_create.append(max(0.0, created - answered))
            ended = stream.wait_for(lambda event, data: event == "job" and data["name"] == name and data["status"] == "Succeeded")
            for _ in range(50):
                if name in deaths:
                    break
                time.sleep(0.1)
            die_to_update.append(ended - deaths[name])
        stream.close()
        rows.append(("10a", f"POST answered to the job's `Create` on the stream, {options.jobs} jobs: median / p99 / max", milliseconds(to_create)))
        rows.append(("10a", "the engine's `die` (`timeNano`) to the job's `Succeeded` on the stream: median / p99 / max", milliseconds(die_to_update)))

        readers = [Stream(base) for _ in range(options.readers)]
        for reader in readers:
            reader.wait_for(lambda event, data: event == "snapshot")
        posted = time.time()
        batch = post(base, "/api/v1/batches", {"jobScheduleDescriptions": [{} for _ in range(options.batch)]})["name"]
        polled = None
        while polled is None:
            if get(base, f"/api/v1/batches/{batch}")["status"] == "Completed":
                polled = time.time()
            else:
                time.sleep(0.1)
        completed = [reader.wait_for(lambda event, data: event == "batch" and data["name"] == batch and data["status"] == "Completed")
                     for reader in readers]
        counts = [sum(1 for _, event, data in reader.events if event == "batch" and data["name"] == batch) for reader in readers]
        for reader in readers:
            reader.close()
        rows.append(("10b", f"a batch of {options.batch} followed by {options.readers} readers: its events each reader got",
                     f"{min(counts)} to {max(counts)}"))
        rows.append(("10b", "POST to `Completed` on the streams (median / max over readers), and by polling GET every 100 ms",
                     f"{(statistics.median(completed) - posted):.2f} s / {(max(completed) - posted):.2f} s; polling {(polled - posted):.2f} s"))
        started = time.time()
        with urllib.request.urlopen(base + "/api/v1/events?follow=false", timeout=120) as answer:
            snapshot = answer.read()
        rows.append(("10b", f"a new reader's snapshot with that batch (`follow=false`): bytes / time to its last byte",
                     f"{len(snapshot) / 1024:.0f} KiB / {(time.time() - started) * 1000:.0f} ms"))
        with open(f"/proc/{server.pid}/status") as status:
            resident = next(line.split()[1] for line in status if line.startswith("VmRSS"))
        rows.append(("10b", "the scheduler's resident size after it", f"{int(resident) // 1024} MiB"))
    finally:
        if engine_events:
            engine_events.kill()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        clean(application)
    print("| # | measurement | value |")
    print("|---|---|---|")
    for row in rows:
        print(f"| {row[0]} | {row[1]} | {row[2]} |")
    print(f"\nscheduler log: {folder}/serve.log", file=sys.stderr)


if __name__ == "__main__":
    main()
