"""Issue 24: deploy/compose.yaml, the entrypoint and the Dockerfile cannot be built or run
here (no Docker engine); they are checked against the code instead."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from dashboard.config import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
ENTRYPOINT = (ROOT / "scripts" / "docker-entrypoint.sh").read_text()
APP_SERVICES = ("release", "app", "worker")


def _substituted(value: str) -> str:
    """Compose's ``${NAME:-default}`` as its default, and ``${NAME:?message}`` (a secret
    from deploy/.env) as a stand-in value."""
    stand_ins = {"SECRET_KEY": "Zq8-" + "x7Lp2Vn9Rt4Kd6Wm3Hs5Jb1Gc0Fy",
                 "SITE_ADDRESS": "care.example.clinic"}

    def one(match: re.Match[str]) -> str:
        name, operator, rest = match.group(1), match.group(2), match.group(3)
        return rest if operator == ":-" else stand_ins.get(name, "password")

    return re.sub(r"\$\{(\w+)(:[-?])?([^}]*)\}", one, value)


def _environment(service: str) -> dict[str, str]:
    return {k: _substituted(str(v)) for k, v in COMPOSE["services"][service]["environment"]
            .items()}


def test_every_setting_the_compose_file_passes_is_one_the_app_or_entrypoint_reads():
    read_by_app = set(re.findall(r'env\.get\("(\w+)"',
                                 (ROOT / "dashboard" / "config.py").read_text()))
    read_by_entrypoint = set(re.findall(r"\$\{(\w+)", ENTRYPOINT))
    for service in APP_SERVICES:
        unknown = set(_environment(service)) - read_by_app - read_by_entrypoint
        assert not unknown, (service, unknown)


def test_the_app_services_start_in_production_on_postgresql_and_redis_behind_the_proxy():
    proxy_address = COMPOSE["services"]["proxy"]["networks"]["backend"]["ipv4_address"]
    for service in APP_SERVICES:
        settings = Settings.from_env(_environment(service))  # refuses a weak key, bad URLs
        assert settings.environment == "production"
        assert settings.database_url.startswith("postgresql+psycopg://")
        assert settings.redis_url.startswith("redis://")
        assert settings.trusted_proxies == (f"{proxy_address}/32",)
        assert settings.public_url == "https://care.example.clinic"


def test_replicas_wait_for_the_release_step_and_each_role_exists_in_the_entrypoint():
    services = COMPOSE["services"]
    assert services["app"]["deploy"]["replicas"] >= 2
    for service in ("app", "worker"):
        assert services[service]["depends_on"]["release"] == {
            "condition": "service_completed_successfully"}
        assert _environment(service)["MIGRATE_ON_START"] == "0"
    for service, role in (("release", "release"), ("app", "web"), ("worker", "worker")):
        assert services[service]["command"] == [role]
        assert re.search(rf"^\s+{role}\)$", ENTRYPOINT, re.M), role
    assert "exec dashboard worker" in ENTRYPOINT


def test_the_dockerfile_copies_files_that_exist_and_runs_the_entrypoint():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for line in re.findall(r"^COPY (.+)$", dockerfile, re.M):
        for source in line.split()[:-1]:
            assert (ROOT / source).exists(), source
    assert 'ENTRYPOINT ["sh", "scripts/docker-entrypoint.sh"]' in dockerfile
    assert (ROOT / "deploy" / "Caddyfile").exists()


def test_the_proxy_closes_an_idle_connection_before_the_app_does():
    """A request the proxy sends on a connection just as the app host closes it gets no
    answer (a saved form lost with a 502: a POST is not retried): the proxy must close idle
    connections first."""
    caddy = (ROOT / "deploy" / "Caddyfile").read_text()
    proxy_seconds = int(re.search(r"transport http \{\s*keepalive (\d+)s", caddy).group(1))
    app_seconds = int(re.search(r'--keep-alive "\$\{GUNICORN_KEEPALIVE:-(\d+)\}"',
                                ENTRYPOINT).group(1))
    assert proxy_seconds < app_seconds
