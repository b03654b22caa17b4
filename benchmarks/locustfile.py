"""Load: simulated practitioners of the large clinic, each signed in as one of the demo's
50 practitioners, browsing the client list, opening progress, recording sessions and
downloading handouts, with a fixed think time. Run through benchmarks/load.sh, which
starts gunicorn on 127.0.0.1 only and passes, so the logins made while
users start are not in the figures.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import gevent
from locust import HttpUser, constant, task

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.dash_client import build_payload

PASSWORD = "backcare-demo-2026"  # noqa: S105 - the demo clinic's documented password
EMAILS = ["priya.patel@demo.clinic", "sam.okafor@demo.clinic", "jordan.lee@demo.clinic"] + [
    f"practitioner{i}@demo.clinic" for i in range(4, 51)]
THINK_SECONDS = 5
FLAG_REASON = "Load test: red flag reviewed with the client today"
_next_email = itertools.count()
_signed_in = {"count": 0}  # the load tool's own bookkeeping, not the app's


def _json_text(text: str) -> str:
    """A response's JSON without Dash's escaped slashes, so ids can be searched for."""
    try:
        return json.dumps(json.loads(text))
    except ValueError:
        return text


def _props(page: str) -> Iterator[dict]:
    """Every component's props in a page's JSON (any dict with an id), depth first."""
    stack: list[object] = [json.loads(page)]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "id" in node:
                yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _pattern_ids(page: str, kind: str, key: str) -> list[int]:
    """The ids of the page's pattern-matching components of one type, e.g. rating inputs."""
    return sorted({props["id"][key] for props in _props(page)
                   if isinstance(props["id"], dict) and props["id"].get("type") == kind
                   and isinstance(props["id"].get(key), int)})


def _component_values(page: str, prefix: str) -> list[tuple[str | dict, object]]:
    """Each component of the page whose id (or pattern id's type) starts with ``prefix``,
    with its value: a form as the browser holds it."""
    found = []
    for props in _props(page):
        ident = props["id"]
        kind = ident.get("type") if isinstance(ident, dict) else ident
        if isinstance(kind, str) and kind.startswith(prefix) and "value" in props:
            found.append((ident, props["value"]))
    return found


class Practitioner(HttpUser):
    # A fixed think time: a practitioner reads what a click brought before the next one.
    wait_time = constant(THINK_SECONDS)

    def on_start(self) -> None:
        number = next(_next_email)
        email = EMAILS[number % len(EMAILS)]
        # Several app hosts (benchmarks/cluster_load.py): each user works through one of
        # them, as a load balancer would spread them.
        hosts = [h for h in os.environ.get("LOAD_HOSTS", "").split(",") if h]
        if hosts:
            self.client.base_url = hosts[number % len(hosts)]
        # What a browser sends from the app's own page; other POSTs are refused as cross-site.
        self.client.headers["Sec-Fetch-Site"] = "same-origin"
        self.client.post("/login", data={"email": email, "password": PASSWORD},
                         name="setup: login", allow_redirects=False)
        self.deps = self.client.get("/_dash-dependencies", name="setup: dependencies").json()
        listing = self._callback("clients-table", {**self._list_values(""),
                                                   "clients-sort.value": "last_session"},
                                 "setup: client list")
        self.client_ids = sorted({int(i) for i in re.findall(r"/clients/(\d+)", listing)})
        self.rng = random.Random(email)  # noqa: S311 - test data, not security
        # The measured window opens once every user has signed in (argon2 logins are slow
        # on purpose): the last one to arrive resets the statistics, then all start.
        _signed_in["count"] += 1
        if _signed_in["count"] == self.environment.runner.target_user_count:
            self.environment.stats.reset_all()
        while _signed_in["count"] < self.environment.runner.target_user_count:
            gevent.sleep(0.1)
        # Released together, 50 users would then click in lockstep every think time (a
        # burst of 50 requests at once, which a clinic never sees): each starts at its own
        # moment within one think time, and keeps the fixed rhythm from there.
        gevent.sleep(self.rng.uniform(0, THINK_SECONDS))

    def _callback(self, output: str, values: dict, name: str) -> str:
        payload = build_payload(self.deps, output, values)
        with self.client.post("/_dash-update-component", json=payload, name=name,
                              catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            return _json_text(response.text)

    @staticmethod
    def _list_values(search: str) -> dict:
        return {"clients-search.value": search, "clients-archived.value": "active",
                "clients-status.value": "any", "clients-sort.value": "name",
                "clients-practitioner.value": "all", "clients-pages.active_page": 1}

    @task(4)
    def browse_list(self) -> None:
        search = self.rng.choice(["", "a", "ch", "pa", "s"])
        self._callback("clients-table", self._list_values(search), "client list (search)")

    @task(3)
    def open_progress(self) -> None:
        self._callback("progress-area", {"client-tabs.value": "progress",
                                         "progress-range.value": "all",
                                         "client-id.data": self.rng.choice(self.client_ids)},
                       "client progress")

    @task(2)
    def record_session(self) -> None:
        """Open the client's page (as a practitioner does), then record a session on it."""
        client_id = self.rng.choice(self.client_ids)
        page = self._callback("_pages_content", {"_pages_location.pathname":
                                                 f"/clients/{client_id}",
                                                 "_pages_location.search": ""}, "client page")
        activities = _pattern_ids(page, "sess-rating", "activity")
        items = _pattern_ids(page, "sess-adh", "item")
        values = {"sess-form.n_submit": 1, "client-id.data": client_id,
                  "sess-editing.data": None, "sess-date.value": dt.date.today().isoformat(),
                  "sess-pain.value": self.rng.randint(0, 10), "sess-stress.value": 5,
                  "sess-notes.value": "load test", "sess-q-include.value": [],
                  "sess-rating": [({"type": "sess-rating", "activity": a}, 6)
                                  for a in activities],
                  "sess-rating-error": [({"type": "sess-rating-error", "activity": a}, None)
                                        for a in activities],
                  "sess-adh": [({"type": "sess-adh", "item": i}, 5) for i in items],
                  "sess-adh-error": [({"type": "sess-adh-error", "item": i}, None)
                                     for i in items]}
        payload = build_payload(self.deps, "sess-result", values)
        with self.client.post("/_dash-update-component", json=payload, name="save session",
                              catch_response=True) as response:
            if response.status_code != 200 or "saved." not in response.text:
                response.failure(f"HTTP {response.status_code}: session not saved")

    @task(1)
    def change_plan_and_give_handout(self) -> None:
        """A practitioner's usual way to a handout: open the client's plan, change it, save
        it, read the saved plan a moment, then give the handout. The save has the handout
        laid out ahead (by the worker on several hosts, jobs.py), so the download finds it."""
        client_id = self.rng.choice(self.client_ids)
        page = self._callback("_pages_content", {"_pages_location.pathname":
                                                 f"/clients/{client_id}",
                                                 "_pages_location.search": "?view=plan"},
                              "client page (plan)")
        builder = _component_values(page, "plan-")
        plain = {f"{key}.value": value for key, value in builder if isinstance(key, str)}
        patterns: dict[str, list] = {}
        for key, value in builder:
            if isinstance(key, dict):
                patterns.setdefault(key["type"], []).append((key, value))
        if "plan-include" not in patterns:
            return  # no open episode: no plan to change
        if not any(value for _, value in patterns["plan-include"]):
            # No plan yet (a client added since the demo): the practitioner picks a part.
            first, _ = patterns["plan-include"][0]
            patterns["plan-include"][0] = (first, True)
        flagged = "plan-red-flag-reason.value" in plain
        values = {**plain, **patterns, "client-id.data": client_id, "plan-save.n_clicks": 1,
                  "plan-notes.value": f"load test {self.rng.randint(0, 10**9)}",
                  "plan-red-flag-reason.value": FLAG_REASON if flagged else None}
        payload = build_payload(self.deps, "plan-save-result", values)
        with self.client.post("/_dash-update-component", json=payload, name="save plan",
                              catch_response=True) as response:
            if response.status_code != 200 or "Saved as version" not in response.text:
                response.failure(f"HTTP {response.status_code}: plan not saved")
                return
        gevent.sleep(THINK_SECONDS)
        with self.client.post(f"/clients/{client_id}/handout.pdf", name="handout PDF",
                              data={"red_flag_override": FLAG_REASON} if flagged else {},
                              catch_response=True) as response:
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                response.failure(f"HTTP {response.status_code}")
