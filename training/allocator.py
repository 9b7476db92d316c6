"""Keep freed memory in the training process instead of returning it to the OS.

Every training step allocates and frees the same activation tensors. glibc serves blocks
above its mmap threshold with fresh mmap()s and trims the heap top on free, so each step
page-faults all of its activations in again: on this 2-core VM that was ~18% of training
time spent in the kernel (117M minor faults in one default run). Raising both thresholds
lets freed blocks be reused. The price is memory: the process keeps its high-water mark
(peak RSS of the default run 5.1 GiB, of 24 here; training/RESULTS.md).
"""

from __future__ import annotations

import ctypes
import sys

M_TRIM_THRESHOLD = -1  # mallopt parameters, from glibc's <malloc.h>
M_MMAP_THRESHOLD = -3
THRESHOLD_BYTES = 1 << 30


def keep_freed_memory() -> bool:
    """Tune glibc malloc for repeated same-size steps; False where it is not glibc."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and other libcs: leave them as they are
        return False
    return all(mallopt(p, THRESHOLD_BYTES) == 1 for p in (M_MMAP_THRESHOLD, M_TRIM_THRESHOLD))
