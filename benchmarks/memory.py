"""A benchmark process's peak resident memory, per step where Linux allows it."""

from __future__ import annotations

import resource


def peak_mib() -> float:
    """This process's peak resident size since the last :func:`reset_peak` (Linux's VmHWM),
    or since it started (ru_maxrss) where /proc is absent or cannot be reset."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def reset_peak() -> None:
    """Start the peak again from what the process holds now (Linux: writing 5 to
    /proc/self/clear_refs resets VmHWM), so that a step shows its own high-water mark."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        pass
