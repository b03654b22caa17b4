"""Load: clients of the large clinic on their own page, each with their own link: open the
page, then save today's log (a page then a save), with a think time of 5 s. Run through
benchmarks/client_load.sh, which makes the links and starts gunicorn on 127.0.0.1 only.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from locust import HttpUser, constant, task

THINK_SECONDS = 5
TOKENS = Path(os.environ.get("CLIENT_TOKENS", "var/client-tokens.txt")).read_text().split()
_next = itertools.count()


class Client(HttpUser):
    wait_time = constant(THINK_SECONDS)

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
        with self.client.post("/my/", data={"day": today, "pain": "4", "stress": "3",
                                            "done": done[:2]},
                              name="/my/ (save a day)", allow_redirects=False,
                              # What a browser sends with a form posted from the page.
                              headers={"Origin": self.host, "Sec-Fetch-Site": "same-origin"},
                              catch_response=True) as response:
            if response.status_code != 303:
                response.failure(f"HTTP {response.status_code}")
