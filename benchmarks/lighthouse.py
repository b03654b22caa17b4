"""Lighthouse (desktop) on pages of the demo clinic, signed in as a practitioner: scores for
performance and accessibility, cumulative layout shift, and the accessibility audits that
failed. Measurement only, not a test (it needs Lighthouse from npm, and a quiet machine).

    npm install --prefix /tmp/lh lighthouse@13
    LIGHTHOUSE=/tmp/lh/node_modules/.bin/lighthouse DATABASE_URL=sqlite:///var/demo.sqlite3 \\
        .venv/bin/python -m benchmarks.lighthouse test-results/lighthouse / /clients /clients/1

The app is served by gunicorn-like threads in this process (werkzeug), on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from dashboard.app import create_app

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
PRACTITIONER = ("priya.patel@demo.clinic", "backcare-demo-2026")


def signed_in_cookie(url: str) -> str:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(f"{url}/login")
        page.get_by_label("Email").fill(PRACTITIONER[0])
        page.get_by_label("Password").fill(PRACTITIONER[1])
        page.get_by_role("button", name="Sign in").click()
        page.locator("#navbar-user").wait_for()
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
        browser.close()
    return cookie


def main() -> None:
    out, paths = Path(sys.argv[1]), sys.argv[2:]
    out.mkdir(parents=True, exist_ok=True)
    app = create_app()
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    cookie = signed_in_cookie(url)
    for path in paths:
        name = path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "home"
        report = out / f"{name}.json"
        subprocess.run([os.environ["LIGHTHOUSE"], url + path, "--preset=desktop",  # noqa: S603
                        "--only-categories=performance,accessibility", "--output=json",
                        f"--output-path={report}", "--quiet",
                        "--chrome-flags=" + " ".join(["--headless=new", *CHROMIUM_FLAGS]),
                        "--extra-headers=" + json.dumps({"Cookie": cookie})],
                       env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"}, check=False)
        result = json.loads(report.read_text())
        audits = result["audits"]
        accessibility = {ref["id"] for ref in result["categories"]["accessibility"]["auditRefs"]}
        print(path, {k: v["score"] for k, v in result["categories"].items()},
              "CLS", round(audits["cumulative-layout-shift"]["numericValue"], 4),
              "LCP", audits["largest-contentful-paint"]["displayValue"],
              "TBT", audits["total-blocking-time"]["displayValue"],
              "accessibility failures",
              [k for k, v in audits.items() if v.get("score") == 0 and k in accessibility])
    server.shutdown()


if __name__ == "__main__":
    main()
