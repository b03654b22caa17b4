"""The background-callback job cache (diskcache, on this host's disk).

Dash keeps a job's result there until the browser fetches it, then deletes it: a batch of
handouts (names and plans) passes through it. Its SQLite file zeroes deleted content
(``secure_delete``); large results are separate files, unlinked on delete. Results never
fetched (a browser closed mid-job) would stay, so an erasure clears the cache.
"""

from __future__ import annotations

from pathlib import Path

import diskcache

JOBS_DIR = "jobs"


def job_cache(data_dir: Path) -> diskcache.Cache:
    directory = data_dir / JOBS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    # A "sqlite_" setting is applied by diskcache as a PRAGMA on each of its connections.
    return diskcache.Cache(str(directory), sqlite_secure_delete=1)


def clear_job_results(data_dir: Path) -> int:
    """Drop every stored job result and progress entry; a batch running now still delivers
    (its result is written after this). Returns how many entries went."""
    cache = job_cache(data_dir)
    try:
        return cache.clear()
    finally:
        cache.close()
