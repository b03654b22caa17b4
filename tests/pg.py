"""A throwaway PostgreSQL cluster on loopback for the test session."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def find_pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PgCluster:
    bin_dir: Path
    root: Path
    port: int

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        self._as_postgres([str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"),
                           "-m", "immediate", "stop"], check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def _as_postgres(self, cmd: list[str], check: bool = True) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(prefix + cmd, check=check, capture_output=True, timeout=60)


def start_cluster() -> PgCluster:
    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL binaries not found under /usr/lib/postgresql")
    root = Path(tempfile.mkdtemp(prefix="dashboard-pg-"))
    if os.geteuid() == 0:
        # initdb refuses to run as root: the cluster belongs to the postgres user.
        shutil.chown(root, "postgres", "postgres")
    cluster = PgCluster(bin_dir, root, _free_port())
    cluster._as_postgres([str(bin_dir / "initdb"), "-D", str(root / "data"), "-A", "trust",
                          "-U", "postgres", "--no-sync"])
    cluster._as_postgres([
        str(bin_dir / "pg_ctl"), "-D", str(root / "data"), "-l", str(root / "log"), "-w",
        "-o", f"-p {cluster.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
              "-c synchronous_commit=off -c full_page_writes=off", "start"])
    return cluster
