"""Load: clients of the large clinic on their own page, each with their own link: open the
page, then save today's log (a page then a save), with a think time of 5 s. Run through
benchmarks/client_load.sh, which makes the links and starts gunicorn on 127.0.0.1 only.

Think time is 5 s on average, drawn between 4 and 6 s (``THINK_JITTER=0`` for exactly 5):
clients on their phones do not press Save in the same second, and a constant think time
with every client started together keeps them in step for the whole run, so the server
sees all 200 pages in one burst every 5 s and the queue behind the burst, not the load,
decides the p95. The clients use locust's FastHttpUser so that the load generator, which
shares the machine's two cores with the server, takes less of them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from locust import FastHttpUser, between, constant, task

THINK_SECONDS = 5
THINK_JITTER = float(os.environ.get("THINK_JITTER", "1"))
TOKENS = Path(os.environ.get("CLIENT_TOKENS", "var/client-tokens.txt")).read_text().split()
_next = itertools.count()


class Client(FastHttpUser):
    wait_time = between(THINK_SECONDS - THINK_JITTER, THINK_SECONDS + THINK_JITTER) \
        if THINK_JITTER else constant(THINK_SECONDS)

    def on_start(self) -> None:
        token = TOKENS[next(_next) % len(TOKENS)]
        # Trading the token for the cookie is the client's first visit, not the steady load.
        self.client.get(f"/my/{token}", name="/my/<token> (first visit)")

    @task
    def page_then_save(self) -> None:
        page = self.client.get("/my/", name="/my/ (page)")
        today = dt.datetime.now(ZoneInfo("Europe/London")).date().isoformat()
        section = page.text.split(f'id="day-{today}"', 1)[-1].split("</form>", 1)[0]
        done = re.findall(r'name="done" value="(\d+)"', section)
        # Encoded here: the fast client's own encoding would write the list of ticked parts
        # as one value ("['1', '2']") instead of one "done" field per part, as a form does.
        form = urlencode({"day": today, "pain": "4", "stress": "3", "done": done[:2]},
                         doseq=True)
        with self.client.post("/my/", data=form, name="/my/ (save a day)",
                              allow_redirects=False,
                              # What a browser sends with a form posted from the page.
                              headers={"Origin": self.host, "Sec-Fetch-Site": "same-origin",
                                       "Content-Type": "application/x-www-form-urlencoded"},
                              catch_response=True) as response:
            if response.status_code != 303:
                response.failure(f"HTTP {response.status_code}")
