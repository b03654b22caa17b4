"""Questionnaires the client completes at home on their own page (``/my/measures/``), and
the PSFS ratings of their own activities (``/my/measures/PSFS``).

The same rules as the rest of the client's page (client.py): the link's token, read from
its cookie on every request, is the only key; the questionnaire must be one the
practitioner assigned to the link's episode; nothing the browser sends names a client or
an episode. A PHQ-9 item 9 above 0 raises the practitioner's safety alert in the same
request, even when the rest of the questionnaire is left incomplete (which is refused,
naming the missing items), and the client sees the crisis-line text and urgent-care
advice at once. The activities rated are the client's own, read on the server; a rating of
anything else is not read, and a missing or wrong one is refused with the activity named.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response, request

from dashboard.auth.audit import record_audit
from dashboard.client_page.client import (
    COOKIE,
    _ended,
    _headers,
    _live_link,
    blueprint,
    render_template,
)
from dashboard.client_page.links import CLIENT_PATH
from dashboard.context import (
    client_ip,
    clinic_today,
    current_db,
    current_jobs,
    current_settings,
    public_base_url,
)
from dashboard.db.client_links import LinkAccess
from dashboard.db.clinic import get_clinic
from dashboard.db.measures import (
    home_alert_answer,
    latest_home_ratings,
    latest_home_response,
    live_assignments,
    own_activities,
    raise_home_alert,
    save_home_ratings,
    save_home_response,
)
from dashboard.db.models import utcnow
from dashboard.db.reminders import queue_alert_notices
from dashboard.domain.measures import (
    HOME_FUNCTION,
    HOME_INSTRUMENTS,
    PERIODS,
    HomeAnswers,
    parse_home_answers,
)
from dashboard.domain.psfs import (
    HOME_QUESTION,
    RATING_HIGH,
    RATING_LOW,
    RATING_MAX,
    HomeRatings,
    parse_home_ratings,
)
from dashboard.domain.questionnaires import INSTRUMENTS
from dashboard.handout import content

MEASURES_PATH = f"{CLIENT_PATH}measures/"


def _not_on_list() -> Response:
    html = render_template("my_measure_missing.html")
    return _headers(Response(html, status=404, mimetype="text/html"))


def _crisis_line(db) -> str:
    clinic = get_clinic(db)
    return clinic.crisis_line_text if clinic else ""


def _form(key: str, *, answers: HomeAnswers | None = None, crisis_line_text: str = "",
          self_harm: bool = False, status: int = 200) -> Response:
    html = render_template(
        "my_measure.html", instrument=INSTRUMENTS[key], period=PERIODS[key],
        action=f"{MEASURES_PATH}{key}", answers=answers.answers if answers else {},
        problems=answers.problems() if answers else {}, self_harm=self_harm,
        crisis_line_text=crisis_line_text, self_harm_urgent=content.SELF_HARM_URGENT,
        self_harm_seen=content.SELF_HARM_SEEN)
    return _headers(Response(html, status=status, mimetype="text/html"))


def _access() -> tuple[LinkAccess | None, Response | None]:
    access, wait = _live_link(request.cookies.get(COOKIE), utcnow())
    if access is None:
        return None, _ended(status=429 if wait else 404, wait=wait)
    return access, None


# --- PSFS: the client's own activities, rated at home -------------------------------------

FUNCTION_PATH = f"{MEASURES_PATH}{HOME_FUNCTION}"


def _audit_saved(db, access: LinkAccess, instrument: str, entity: str, entity_id: int) -> None:
    """A measure completed at home: on record with the response it made."""
    record_audit(db, user_id=None, action="home_measure_saved", entity=entity,
                 entity_id=entity_id, client_id=access.client_id, ip=client_ip(),
                 detail={"instrument": instrument, "link": access.link_id})


def _audit_refused(db, access: LinkAccess, instrument: str, missing: Iterable[object],
                   invalid: Iterable[object]) -> None:
    """A measure sent incomplete or wrong: on record against the link, nothing saved."""
    record_audit(db, user_id=None, action="home_measure_refused", entity="client_link",
                 entity_id=access.link_id, client_id=access.client_id, ip=client_ip(),
                 detail={"instrument": instrument, "missing": list(missing),
                         "invalid": list(invalid)})


def _function_form(activities: list[tuple[int, str]], *, ratings: HomeRatings | None = None,
                   status: int = 200) -> Response:
    html = render_template(
        "my_function.html", activities=activities, action=FUNCTION_PATH,
        question=HOME_QUESTION, low=RATING_LOW, high=RATING_HIGH,
        values=range(RATING_MAX + 1), ratings=ratings.ratings if ratings else {},
        problems=ratings.problems() if ratings else {})
    return _headers(Response(html, status=status, mimetype="text/html"))


@blueprint.get(FUNCTION_PATH)
def function_form() -> Response:
    access, refused = _access()
    if access is None:
        return refused  # type: ignore[return-value]
    with current_db().begin() as db:
        activities = own_activities(db, client_id=access.client_id)
        if HOME_FUNCTION not in live_assignments(db, episode_id=access.episode_id) \
                or not activities:
            return _not_on_list()
        record_audit(db, user_id=None, action="home_measure_viewed", entity="client_link",
                     entity_id=access.link_id, client_id=access.client_id, ip=client_ip(),
                     detail={"instrument": HOME_FUNCTION})
    return _function_form(activities)


@blueprint.post(FUNCTION_PATH)
def function_save() -> Response:
    """Only ``rating-<id>`` for the client's own activities is read: an id of anyone
    else's activity in the form is ignored, one of theirs left out is refused."""
    access, refused = _access()
    if access is None:
        return refused  # type: ignore[return-value]
    today, now = clinic_today(), utcnow()
    form = request.form.to_dict(flat=False)
    with current_db().begin() as db:
        activities = own_activities(db, client_id=access.client_id)
        if HOME_FUNCTION not in live_assignments(db, episode_id=access.episode_id) \
                or not activities:
            return _not_on_list()
        ratings = parse_home_ratings(activities, form)
        if ratings.complete:
            response = save_home_ratings(db, client_id=access.client_id,
                                         episode_id=access.episode_id, link_id=access.link_id,
                                         ratings=ratings, today=today, now=now)
            _audit_saved(db, access, HOME_FUNCTION, "home_function_response", response.id)
        else:
            _audit_refused(db, access, HOME_FUNCTION, ratings.missing, ratings.invalid)
    if not ratings.complete:
        return _function_form(activities, ratings=ratings, status=400)
    return _headers(Response(status=303, headers={"Location": f"{FUNCTION_PATH}/done"}))


@blueprint.get(f"{FUNCTION_PATH}/done")
def function_done() -> Response:
    access, refused = _access()
    if access is None:
        return refused  # type: ignore[return-value]
    with current_db().read() as db:
        response = latest_home_ratings(db, episode_id=access.episode_id)
        if response is None:
            return _not_on_list()
        completed_on = response.completed_on
    html = render_template("my_function_done.html", completed_on=completed_on)
    return _headers(Response(html, mimetype="text/html"))


# --- Questionnaires ------------------------------------------------------------------------

@blueprint.get(f"{MEASURES_PATH}<key>")
def measure_form(key: str) -> Response:
    access, refused = _access()
    if access is None:
        return refused  # type: ignore[return-value]
    if key not in HOME_INSTRUMENTS:
        return _not_on_list()
    with current_db().begin() as db:
        if key not in live_assignments(db, episode_id=access.episode_id):
            return _not_on_list()
        record_audit(db, user_id=None, action="home_measure_viewed", entity="client_link",
                     entity_id=access.link_id, client_id=access.client_id, ip=client_ip(),
                     detail={"instrument": key})
    return _form(key)


@blueprint.post(f"{MEASURES_PATH}<key>")
def measure_save(key: str) -> Response:
    """Cross-site posts are refused before this runs (auth/guards.py) and the Strict cookie
    is not sent with them; the answers are the only thing read from the form."""
    access, refused = _access()
    if access is None:
        return refused  # type: ignore[return-value]
    if key not in HOME_INSTRUMENTS:
        return _not_on_list()
    today, now = clinic_today(), utcnow()
    answers = parse_home_answers(key, request.form.to_dict(flat=False))
    self_harm = (answers.self_harm_answer or 0) > 0
    settings = current_settings()
    notices: list[int] = []
    with current_db().begin() as db:
        if key not in live_assignments(db, episode_id=access.episode_id):
            return _not_on_list()
        crisis = _crisis_line(db)
        response_id = None
        if answers.complete:
            response = save_home_response(db, client_id=access.client_id,
                                          episode_id=access.episode_id,
                                          link_id=access.link_id, answers=answers,
                                          today=today, now=now)
            response_id = response.id
            _audit_saved(db, access, key, "home_measure_response", response.id)
        else:
            _audit_refused(db, access, key, answers.missing, answers.invalid)
        if self_harm:
            # At once, whatever else is missing: the answer itself is the risk signal.
            alert = raise_home_alert(db, client_id=access.client_id,
                                     answer=answers.self_harm_answer or 0, today=today,
                                     response_id=response_id)
            record_audit(db, user_id=None, action="safety_alert_raised",
                         entity="safety_alert", entity_id=alert.id,
                         client_id=access.client_id, ip=client_ip(),
                         detail={"source": "client_home", "complete": answers.complete})
            if settings.smtp is not None:
                notices = queue_alert_notices(db, alert=alert, day=today, now=now)
    if notices:
        # After the commit, through the app's jobs (its mail pool, or a Celery worker): the
        # client's page never waits on a mail server. Any not sent go with the next run.
        current_jobs().send_alert_notices(current_db(), settings,
                                          base_url=public_base_url(settings),
                                          message_ids=notices)
    if not answers.complete:
        return _form(key, answers=answers, crisis_line_text=crisis, self_harm=self_harm,
                     status=400)
    return _headers(Response(status=303, headers={"Location": f"{MEASURES_PATH}{key}/done"}))


@blueprint.get(f"{MEASURES_PATH}<key>/done")
def measure_done(key: str) -> Response:
    access, refused = _access()
    if access is None:
        return refused  # type: ignore[return-value]
    if key not in HOME_INSTRUMENTS:
        return _not_on_list()
    with current_db().read() as db:
        response = latest_home_response(db, episode_id=access.episode_id, instrument=key)
        if response is None:
            return _not_on_list()
        self_harm = bool(home_alert_answer(db, response_id=response.id))
        crisis = _crisis_line(db)
        completed_on = response.completed_on
    html = render_template(
        "my_measure_done.html", instrument=INSTRUMENTS[key], completed_on=completed_on,
        self_harm=self_harm, crisis_line_text=crisis,
        self_harm_urgent=content.SELF_HARM_URGENT, self_harm_seen=content.SELF_HARM_SEEN,
        urgent=content.URGENT_CARE, soon=content.SEE_DOCTOR_SOON,
        not_a_replacement=content.NOT_A_REPLACEMENT)
    return _headers(Response(html, mimetype="text/html"))
