"""Ending a dbt child process that outlived the Dagster step which started it."""

from __future__ import annotations

import logging
import signal
import subprocess
from typing import Any

log = logging.getLogger("floe.runtime")


def stop_dbt(invocation: Any, grace_seconds: float = 10) -> None:
    """Ends the dbt process of a step that failed or was cancelled while dbt still ran.

    Otherwise dbt keeps running after the step is over, writing to the warehouse and holding its
    locks (DuckDB admits one writer process). SIGINT first, which dbt answers by cancelling its
    queries and exiting; SIGKILL when it has not exited within grace_seconds.
    """
    process = getattr(invocation, "process", None)
    if process is None or process.poll() is not None:
        return
    log.warning("floe: stopping dbt (pid %s): the step ended before dbt did", process.pid)
    try:
        process.send_signal(signal.SIGINT)
        if process.stdout is not None and not process.stdout.closed:
            # dbt logs while it stops: read what it writes, or a full pipe would block it.
            process.communicate(timeout=grace_seconds)
        else:
            process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    except (OSError, ValueError):
        pass
