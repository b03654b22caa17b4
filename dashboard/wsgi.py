"""WSGI entry point for gunicorn: ``gunicorn dashboard.wsgi:server``."""

import gc

from dashboard.app import create_app

app = create_app()
server = app.server
# Everything made so far (Dash's registry, Plotly's and pandas' modules: about 230,000
# objects) lives as long as the worker. Frozen, a full garbage collection skips it: one took
# 120-150 ms with it, a pause for every request the worker had in hand.
gc.freeze()
