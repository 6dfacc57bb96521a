"""Who holds a running job: the host, process id and boot of the worker process, recorded
when it claims the job. Another worker may take the job over at once when that process is
known to be gone — same host, same boot and PID namespace, no process with that id, or the
machine rebooted since — instead of waiting for
its heartbeat to go stale (GEOREF_JOB_STALE_SECONDS, the only test across machines)."""

from __future__ import annotations

import functools
import os
import socket
from dataclasses import dataclass

BOOT_ID_PATH = "/proc/sys/kernel/random/boot_id"


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    boot_id: str

    def as_fields(self) -> dict[str, object]:
        return {"holder_host": self.host, "holder_pid": self.pid, "holder_boot_id": self.boot_id}


@functools.cache
def _boot_id() -> str:
    """The kernel's boot id and this process's PID namespace: containers of one machine share
    the boot id (and may share the host name) but not their process ids."""
    try:
        with open(BOOT_ID_PATH, encoding="ascii") as handle:
            boot = handle.read().strip()
        namespace = os.readlink("/proc/self/ns/pid")  # "pid:[4026531836]"
    except OSError:
        return ""  # not Linux: a holder is never known to be gone, the heartbeat decides
    return f"{boot}/{namespace}"[:64]


def holder_current() -> Holder:
    """This process."""
    return Holder(host=socket.gethostname()[:255], pid=os.getpid(), boot_id=_boot_id())


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def holder_gone(*, host: str, pid: int | None, boot_id: str) -> bool:
    """True when the process that held a job certainly no longer runs: it ran on this machine
    since its last boot and no process has its id (or the machine rebooted since)."""
    me = holder_current()
    if not pid or not host or not boot_id or not me.boot_id or host != me.host:
        return False
    if boot_id.split("/")[0] != me.boot_id.split("/")[0]:
        return True  # this machine rebooted since: every process of that boot is gone
    if boot_id != me.boot_id:
        return False  # another PID namespace (container): its process ids are not ours
    return pid != me.pid and not _pid_alive(pid)
