"""Gunicorn settings for the load tests: each worker, once it has loaded the app, leaves a
file named after its pid in ``$READY_DIR``, so the test starts its clock when every worker
can serve, not when the first one can (the others were still importing the app, 3 s of CPU
each, on the same two cores as the load)."""

import os
from pathlib import Path


def post_worker_init(worker) -> None:
    Path(os.environ["READY_DIR"], str(worker.pid)).touch()
