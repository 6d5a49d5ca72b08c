"""CPU time of a process and its children, from Linux /proc: unlike latency it hardly moves when other work
shares the machine, so benchmarks print it per request as the figure to compare between runs."""
from __future__ import annotations

import os
from pathlib import Path


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """The process and its children (uvicorn's worker processes), one level down."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        children.extend(int(c) for c in task.read_text().split())
    return cpu_seconds(pid) + sum(cpu_seconds(c) for c in children)
