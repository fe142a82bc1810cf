"""Process lifetimes: children that must not outlive the process that started them."""

from __future__ import annotations

import signal


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux PR_SET_PDEATHSIG).

    For children whose work must stop with their parent's: a load worker committing a file behind a
    retry's back, a chain still running after `tiemnang run` was killed. Elsewhere a no-op: the parent's
    pipes close when it dies and such children wind down on their own.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
