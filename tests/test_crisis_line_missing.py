"""Issue 17, item 7: with no crisis-line text the alert and the papers say so loudly
instead of printing nothing."""

import dataclasses
import datetime as dt

from dash import html
from sqlalchemy import select

from dashboard.db.handouts import handout_data, plan_version_for
from dashboard.db.models import Client
from dashboard.db.sessions import AlertRow
from dashboard.handout.render import render_html
from dashboard.pages.client.session_views import alerts_area


def texts(component) -> str:
    if isinstance(component, str):
        return component
    children = getattr(component, "children", None)
    if children is None:
        return ""
    if not isinstance(children, list | tuple):
        children = [children]
    return " ".join(texts(c) for c in children)


def test_the_alert_and_the_handout_say_loudly_that_there_is_no_crisis_line(db, planned):
    alert = AlertRow(1, planned, "Carol Alison", dt.date(2026, 2, 1),
                     dt.datetime(2026, 2, 1, tzinfo=dt.UTC), 2, None, "", "", "")
    shown = texts(alerts_area([alert], ""))
    assert "No crisis-line text is set for this clinic." in shown
    assert "Call the crisis line" not in shown
    assert "Call the crisis line on 116 123." in texts(alerts_area([alert], "Call the crisis "
                                                                   "line on 116 123."))
    with db.read() as s:
        client = s.get(Client, planned)
        data = handout_data(s, client, plan_version_for(s, client, 1))
    assert "No crisis line has been given" not in render_html(data)
    empty = render_html(dataclasses.replace(data, crisis_line_text=""))
    assert "No crisis line has been given by this clinic" in empty
    assert isinstance(alerts_area([], ""), html.Div)


def test_a_safety_alert_never_reads_not_at_all(db):
    """An alert is raised only for an item 9 answer above 0. The demo's alert was stored
    without its answer and read "answered ... not at all. Check on their safety today"."""
    from dashboard.db.models import SafetyAlert, User
    from dashboard.db.sessions import alerts_for
    from dashboard.demo import create_demo
    from dashboard.domain.access import CurrentUser
    from dashboard.pages.client.session_views import alert_answer

    assert alert_answer(None) == alert_answer(0) == "an answer above 0 (which one was not kept)"
    assert [alert_answer(n) for n in (1, 2, 3)] == [
        "several days", "more than half the days", "nearly every day"]
    with db.begin() as s:
        create_demo(s, today=dt.date.today())
    with db.read() as s:
        assert s.scalars(select(SafetyAlert.answer)).all() == [1]
        admin = s.scalars(select(User).where(User.role == "admin")).first()
        viewer = CurrentUser(id=admin.id, email=admin.email, name=admin.name, role="admin",
                             login_session_id=0, token="")
        (alert,) = alerts_for(s, viewer)
    shown = texts(alerts_area([alert], "Call 116 123."))
    assert "not at all" not in shown and "several days" in shown
