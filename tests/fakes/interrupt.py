"""Child processes that a test stops with Ctrl-C (SIGINT), as a person would."""

from __future__ import annotations

import signal


def default_sigint() -> None:
    """`preexec_fn` for such children: SIGINT back to its default. A shell that runs the
    tests in the background (`.ci/run &`) starts them with SIGINT ignored, every child
    inherits that, and Python then never raises KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
