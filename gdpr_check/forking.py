"""What the parallel parse (`load/parallel.py`) and the parallel rules (`engine/parallel.py`)
share: whether this process may fork, and a child's answer through a pipe, whole.

Only a speed policy that allows forking (`runtime.Tuning.fork`) reaches them."""
from __future__ import annotations

import os
import sys

# Bytes of a child's answer written or read at a time.
CHUNK = 1 << 20


def can_fork() -> bool:
    """Whether this process can fork cheaply and safely (asked only when allowed to)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    try:
        if len(os.sched_getaffinity(0)) < 2:
            return False
    except (AttributeError, OSError):
        return False
    import threading
    return threading.active_count() == 1  # forking a threaded process is unsafe


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view[:CHUNK]):]


def read_all(fd: int) -> bytes:
    """Everything written to the pipe `fd` until its writer closed it; closes `fd`."""
    chunks = []
    with os.fdopen(fd, "rb", buffering=0) as stream:
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def fork_with_pipe() -> tuple[int, int] | None:
    """A child process and a pipe from it to this one: (its pid, the read end) here,
    (0, the write end) in the child; None if the system would make neither (out of
    processes or descriptors), and the caller does the work itself."""
    try:
        read, write = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid == 0:
        os.close(read)
        return 0, write
    os.close(write)
    return pid, read


def reap(pid: int) -> int | None:
    """Wait for the child `pid` to end: its exit code, or None if the system reaped it
    already (a process started with SIGCHLD ignored has no child to wait for). A caller
    then trusts only an answer that is whole."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    return os.waitstatus_to_exitcode(status)
