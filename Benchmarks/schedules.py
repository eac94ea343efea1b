#!/usr/bin/env python3
"""Measurement 9 (issue 12): scheduled runs of a real `job-scheduler serve` on the local engine.

  python3 Benchmarks/schedules.py BINARY [--image jobsched-busybox:latest] [--ticks 30] [--idle-seconds 60]

9a: the delay from a tick to its container's start (the engine's State.StartedAt minus the tick), for `@every 2s`
    over --ticks ticks (the first, at start-up, left out).
9b: the scheduler's CPU while idle with 20 schedules (none due during the measurement), from /proc over
    --idle-seconds, and its resident size.
Prints a markdown table; removes every container and volume it made.
"""
import argparse, datetime, json, os, signal, socket, statistics, subprocess, sys, tempfile, time, uuid

from benchsupport import clean, docker, free_port


def config(application, image, cron_lines, port=None):
    port_line = f"\n      schedulerPort: {port}" if port else ""
    return f"""apiVersion: radix.equinor.com/v1
kind: RadixApplication
metadata:
  name: {application}
spec:
  environments:
    - name: bench
  jobs:
    - name: tick
      image: {image}{port_line}
      command: ["true"]
      cron:
{cron_lines}
"""


def serve(binary, folder, yaml):
    path = os.path.join(folder, "radixconfig.yaml")
    with open(path, "w") as f:
        f.write(yaml)
    log = open(os.path.join(folder, "serve.log"), "w")
    return subprocess.Popen([binary, "serve", "--config", path, "--job", "tick", "--history-limit", "500"],
                            stdout=log, stderr=log, env={**os.environ, "LOG_LEVEL": "warning"})


def parse_time(text):
    # 2026-12-06T21:12:06.123456789Z: to microseconds.
    head, _, frac = text.rstrip("Z").partition(".")
    return datetime.datetime.fromisoformat(head).replace(tzinfo=datetime.timezone.utc).timestamp() + float("0." + (frac or "0")[:6])


def tick_delays(binary, image, ticks, folder):
    application = f"jsb9a-{uuid.uuid4().hex[:6]}"
    process = serve(binary, folder, config(application, image, '        schedules: ["@every 2s"]\n        concurrency: Allow', free_port()))
    try:
        deadline = time.time() + ticks * 2 + 60
        while time.time() < deadline:
            names = docker("ps", "-aq", "--filter", f"label=radix-app={application}").split()
            if len(names) >= ticks + 1:
                break
            time.sleep(1)
        process.send_signal(signal.SIGTERM)
        process.wait(30)
        delays = []
        for line in docker("ps", "-aq", "--filter", f"label=radix-app={application}").split():
            info = json.loads(docker("inspect", line))[0]
            tick = float(info["Config"]["Labels"]["radix-scheduled-at"])
            started = info["State"]["StartedAt"]
            if started.startswith("0001"):
                continue
            delays.append((tick, (parse_time(started) - tick) * 1000))
        delays.sort()
        return [d for _, d in delays[1:]]  # the first tick came with the start-up
    finally:
        if process.poll() is None:
            process.kill()
        clean(application)


def idle_cpu(binary, image, seconds, folder):
    application = f"jsb9b-{uuid.uuid4().hex[:6]}"
    schedules = ", ".join(f'"{minute} 3 {day} {month} *"' for minute, day, month in
                          ((m, 1 + m % 28, 1 + m % 12) for m in range(20)))
    # Twenty schedules none of which is due now (the 3rd hour of a day far away is checked below).
    process = serve(binary, folder, config(application, image, f"        schedules: [{schedules}]\n        concurrency: Forbid", free_port()))
    try:
        time.sleep(5)
        clock = os.sysconf("SC_CLK_TCK")

        def cpu():
            fields = open(f"/proc/{process.pid}/stat").read().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])

        before, start = cpu(), time.time()
        time.sleep(seconds)
        used = (cpu() - before) / clock
        elapsed = time.time() - start
        rss = int(open(f"/proc/{process.pid}/status").read().split("VmRSS:")[1].split()[0]) // 1024
        runs = len(docker("ps", "-aq", "--filter", f"label=radix-app={application}").split())
        return used / elapsed * 100, rss, runs
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        clean(application)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--image", default="jobsched-busybox:latest")
    parser.add_argument("--ticks", type=int, default=30)
    parser.add_argument("--idle-seconds", type=int, default=60)
    options = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="jsb9-")
    delays = tick_delays(options.binary, options.image, options.ticks, folder)
    cpu, rss, runs = idle_cpu(options.binary, options.image, options.idle_seconds, folder)
    quantiles = statistics.quantiles(delays, n=100, method="inclusive") if len(delays) > 1 else delays * 99
    print("| # | measurement | value |")
    print("|---|---|---|")
    print(f"| 9a | tick to container start, `@every 2s`, {len(delays)} ticks: median / p99 / max | "
          f"{statistics.median(delays):.0f} ms / {quantiles[98]:.0f} ms / {max(delays):.0f} ms |")
    print(f"| 9b | idle with 20 schedules, {options.idle_seconds} s: CPU / resident size (runs made: {runs}) | {cpu:.2f} % of a core / {rss} MiB |")


if __name__ == "__main__":
    sys.exit(main())
