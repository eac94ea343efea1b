"""What the Python measurements (schedules.py, events.py) share: the engine's CLI, a free port, and the
removal of a throwaway application's containers and volumes."""
import socket
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
