"""What the Python measurements (schedules.py, events.py) share: the engine's CLI, a free port, and the
removal of a throwaway application's containers and volumes."""
import socket
import statistics
import subprocess


def docker(*args):
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True).stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean(application):
    """Removes every container and volume labelled with the application."""
    ids = docker("ps", "-aq", "--filter", f"label=radix-app={application}").split()
    if ids:
        docker("rm", "-f", *ids)
    volumes = docker("volume", "ls", "-q", "--filter", f"label=radix-app={application}").split()
    if volumes:
        docker("volume", "rm", "-f", *volumes)


def spread(values):
    """Median, p99 (the nearest rank; the maximum below 100 values) and maximum of `values`."""
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, int(len(values) * 0.99))], values[-1]
