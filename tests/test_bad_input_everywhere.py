"""Bad input at every entry point the app registers (issue 18): every Flask route with
generated ids of every kind in each URL slot and query parameter, and every server callback
with generated values in every input, state and pattern id, as an anonymous visitor, a
practitioner and an admin. Read from the app itself (URL map, Dash's dependency list), so
a new route or callback is covered without anyone adding it here.

The values are ones no field may accept: ids out of range, past 64 bits, negative, non-ASCII
digits, floats, booleans, wrong types; text with control, C1, bidirectional or zero-width
characters, lone surrogates, or past every length limit. So any server error is a bug and
any changed row is a partial write: both must be 0. A fixed number of rounds per entry point
(a count, so a loaded machine is slower, never less thorough), from a seed printed with the
figures; the count goes to test-results/bad-input-everywhere.json.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select

from dashboard.db.models import Base
from dashboard.pages.ids import admin_data as data_ids
from dashboard.pages.ids import clients as clients_ids
from dashboard.pages.ids import overview as overview_ids
from tests.conftest import login
from tests.dash_client import dependencies
from tests.factories import ADMIN, ALICE

RESULTS = Path(__file__).resolve().parents[1] / "test-results"
ROUTE_ROUNDS = 12
CALLBACK_ROUNDS = 10
# Background callbacks start a process per call; they are covered by the access suite and
# tests/test_audit_and_shape.py (refused before any job starts).
SKIPPED_CALLBACKS = (data_ids.REPORT, clients_ids.BATCH_FILE, overview_ids.REPORT_FILE)
# Tables a refused request may write to: the audit log (refusals), logins and the throttles.
MAY_CHANGE = {"audit_log", "login_sessions", "login_attempts", "login_throttle",
              "pending_logins", "client_link_failures"}

BAD_IDS: list[object] = [
    0, -1, -(2**31), 2**31, 2**63 - 1, 2**63, 2**64, 10**30, "0", "-1", "2147483648",
    "9223372036854775808", "1" * 400, "١", "٣٤", "²", "①", "1.0", "1e3", "0x1f", " 1", "1 ",
    "1\n", "", "null", "true", 1.5, float("nan"), True, False, None, [], [1], {}, {"id": 1},
    "\ud800", "1\x00", "‮1",
]
BAD_TEXT: list[object] = [
    "\x00", "a\x00b", "\x1b[2J", "Ann\u0085", "Ann\u009b31m", "Ann\u202eadams", "An\u200bn",
    "\ufeff", "\ud800", "x\udfff", "A" * 20_000, "\t" * 5000, "<script>" * 3000, 7, -3,
    2**70, 3.25, True, [], {}, ["a", "\x00"], {"$gt": ""},
]
BAD_DATES: list[object] = ["2026-02-30", "20260201", "0000-01-01", "9999-12-31T00:00",
                           "2026-13-01", "١٩٨٠-٠١-٠١", 20260201, "yesterday", "\ud800"]


def _q(value: object) -> str:
    """URL-encoded as a hostile client would send it (a lone surrogate as its raw bytes)."""
    return quote(str(value)[:5000], safe="", errors="surrogatepass")


def _seed() -> int:
    return int(os.environ.get("BAD_INPUT_SEED") or time.strftime("%Y%m%d"))


# Opening /account/security without a second factor makes the user's own pending secret
# (docs/SECURITY.md: the one write on a GET, on purpose), and the admin's own sign-in with a
# code records its time step; nothing else in users may change.
MAY_CHANGE_COLUMNS = {"users": {"totp_secret", "totp_last_step"}}


def _snapshot(db) -> dict[str, list]:
    with db.read() as s:
        return {t.name: [tuple(v for c, v in zip(t.columns.keys(), r, strict=True)
                               if c not in MAY_CHANGE_COLUMNS.get(t.name, ()))
                         for r in s.execute(select(t).order_by(*t.primary_key.columns)).all()]
                for t in Base.metadata.sorted_tables if t.name not in MAY_CHANGE}


def _bad(rng: random.Random, prop: str) -> object:
    pool = BAD_DATES if "date" in prop else BAD_IDS if prop in ("data", "active_page") \
        else rng.choice([BAD_IDS, BAD_TEXT])
    return rng.choice(pool)


def _routes(app) -> list[tuple[str, list[str], set[str]]]:
    found = []
    for rule in app.server.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule.startswith(("/assets", "/_dash-component")):
            continue
        found.append((rule.rule, list(rule.arguments), set(rule.methods) - {"HEAD", "OPTIONS"}))
    return found


def _route_round(http, rng, routes, counts: Counter, errors: list) -> None:
    for rule, arguments, methods in routes:
        for _ in range(ROUTE_ROUNDS):
            path = rule
            for name in arguments:
                value = rng.choice(BAD_IDS + BAD_TEXT[:6])
                segment = _q(str(value)[:300]) or "x"
                path = re.sub(rf"<[^>]*{name}>", segment, path)
                counts["inputs"] += 1
            query = {k: str(rng.choice(BAD_IDS + BAD_TEXT[:6]))[:300]
                     for k in rng.sample(["version", "size", "for", "next", "saved", "done",
                                          "client_id", "expired"], 3)}
            counts["inputs"] += len(query)
            url = path + "?" + "&".join(f"{k}={_q(v)}" for k, v in query.items())
            for method in sorted(methods):
                form = "&".join(f"{k}={_q(rng.choice(BAD_TEXT))}" for k in (
                    "email", "password", "code", "current", "new", "repeat", "days", "day",
                    "done", "pain", "stress", "action"))
                counts["inputs"] += 12 if method == "POST" else 0
                response = http.open(url, method=method, data=form if method == "POST" else None,
                                     content_type="application/x-www-form-urlencoded")
                counts["requests"] += 1
                if response.status_code >= 500:
                    errors.append((method, url[:120], response.status_code))
                response.close()


def _callback_payload(dep: dict, rng: random.Random, counts: Counter) -> dict:
    def item(spec: dict, with_value: bool) -> object:
        component, prop = spec["id"], spec["property"]
        if component.startswith("{"):
            pattern = json.loads(component)
            ids = [{k: (_bad(rng, "data") if isinstance(v, list) else v)
                    for k, v in pattern.items()} for _ in range(rng.randint(0, 2))]
            counts["inputs"] += sum(len(i) - 1 for i in ids)
            entries = []
            for cid in ids:
                entry = {"id": cid, "property": prop}
                if with_value:
                    entry["value"] = _bad(rng, prop)
                    counts["inputs"] += 1
                entries.append(entry)
            if ["MATCH"] in pattern.values():
                return entries[0] if entries else {"id": {k: (1 if isinstance(v, list) else v)
                                                        for k, v in pattern.items()},
                                                   "property": prop, "value": None}
            return entries
        entry: dict = {"id": component, "property": prop}
        if with_value:
            entry["value"] = _bad(rng, prop)
            counts["inputs"] += 1
        return entry

    output = dep["output"]
    specs = output[2:-2].split("...") if output.startswith("..") else [output]
    outputs = []
    for spec in specs:
        component, prop = spec.rsplit(".", 1)
        outputs.append(item({"id": component.split("@")[0], "property": prop.split("@")[0]},
                            False))
    first = dep["inputs"][0]
    return {"output": output,
            "outputs": outputs if output.startswith("..") else outputs[0],
            "inputs": [item(i, True) for i in dep["inputs"]],
            "state": [item(s, True) for s in dep["state"]],
            "changedPropIds": [f"{first['id']}.{first['property']}"]}


def _callback_round(http, rng, deps, counts: Counter, errors: list) -> None:
    for dep in deps:
        if dep.get("clientside_function") or any(k in dep["output"] for k in SKIPPED_CALLBACKS):
            continue
        for _ in range(CALLBACK_ROUNDS):
            payload = _callback_payload(dep, rng, counts)
            response = http.post("/_dash-update-component", json=payload)
            counts["requests"] += 1
            if response.status_code >= 500:
                errors.append((dep["output"][:80], response.status_code,
                               response.get_data(as_text=True)[:120]))


def test_every_route_and_callback_refuses_generated_bad_input(app, http, db, planned,
                                                             sqlite_people):
    seed = _seed()
    rng = random.Random(seed)
    counts: Counter = Counter()
    errors: list = []
    began = time.monotonic()
    routes = _routes(app)
    login(http, ALICE)
    deps = dependencies(http)
    before = _snapshot(db)
    http.post("/logout")
    # Anonymous, from another address: its failed sign-ins must not throttle the others.
    http.environ_base["REMOTE_ADDR"] = "192.0.2.66"
    _route_round(http, rng, routes, counts, errors)
    http.environ_base.pop("REMOTE_ADDR")
    for email in (ALICE, ADMIN):
        login(http, email)
        _route_round(http, rng, routes, counts, errors)
        _callback_round(http, rng, deps, counts, errors)
        http.post("/logout")
    after = _snapshot(db)
    changed = sorted(name for name in before if before[name] != after[name])
    seconds = round(time.monotonic() - began, 1)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bad-input-everywhere.json").write_text(json.dumps({
        "seed": seed, "inputs": counts["inputs"], "requests": counts["requests"],
        "routes": len(routes), "callbacks": len(deps), "server_errors": len(errors),
        "tables_changed": changed, "seconds": seconds}, indent=2))
    print(f"\nbad input everywhere (seed {seed}): {counts['inputs']} generated inputs in "
          f"{counts['requests']} requests to {len(routes)} routes and {len(deps)} callbacks, "
          f"{len(errors)} server errors, tables changed: {changed or 'none'}, {seconds} s")
    assert not errors, errors[:10]
    assert not changed, changed
