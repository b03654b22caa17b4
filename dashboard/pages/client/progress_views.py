"""The progress view: badge and sentence, the timeline, adherence, and text alternatives."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import figures
from dashboard.components.attributes import data
from dashboard.components.status import status_badge
from dashboard.components.tables import json_body, json_cell, stacked_table, text_row
from dashboard.domain.dates import format_day
from dashboard.domain.measures import SOURCE_LABELS
from dashboard.domain.progress import Progress
from dashboard.domain.questionnaires import INSTRUMENTS
from dashboard.pages.client import ids

RANGES = {"all": "Whole episode", "90": "Last 3 months", "30": "Last 30 days"}
GRAPH_CONFIG: dcc.Graph.Config = {"displaylogo": False, "responsive": True,
                "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def since_for(choice: object, today: dt.date) -> dt.date | None:
    if choice in ("90", "30"):
        return today - dt.timedelta(days=int(str(choice)))
    return None


def _graph(figure: dict, graph_id: str, caption: str) -> html.Figure:
    return html.Figure([
        dcc.Graph(id=graph_id, figure=figure, config=GRAPH_CONFIG),
        html.Figcaption(caption, className="small text-body-secondary"),
    ], className="mb-3")


def _reliable_change(progress: Progress) -> html.Div | None:
    """Each questionnaire given in the episode: its category between the first and the
    latest score, in words, with the threshold that decides it (docs/OUTCOMES.md)."""
    given = [m for m in progress.questionnaires.measures if m.scores]
    if not given:
        return None
    return html.Div([
        html.H3("Questionnaires: change beyond measurement noise", className="h6"),
        html.Ul([html.Li(m.sentence(), **data(category=m.category))
                 for m in given], className="mb-0"),
    ], id=ids.PROGRESS_RELIABLE_CHANGE, className="mb-3")


def _data_table(progress: Progress) -> html.Details:
    instruments = [k for k in INSTRUMENTS if any(k in p.totals for p in progress.points)]
    header = ["Date", "Pain", "Stress", "Function"] + [
        INSTRUMENTS[k].name.split(" ")[0] for k in instruments]
    rows = [text_row(header, [format_day(p.session_on), p.pain, p.stress,
                              "—" if p.function is None else f"{p.function:.1f}",
                              *[p.totals.get(k, "—") for k in instruments]])
            for p in progress.points]
    return html.Details([
        html.Summary("Scores as a table"),
        stacked_table(header, rows, caption="Scores at each session in the range shown",
                      size="sm", striped=True, id=ids.PROGRESS_TABLE),
    ], className="mb-3")


def _home_table(progress: Progress) -> html.Details | None:
    """The days the client logged at home, reported by the client (their own page)."""
    if not progress.home:
        return None
    rows = [json_cell("Tr", [json_cell("Td", format_day(h.log_on)),
                             json_cell("Td", "—" if h.pain is None else h.pain),
                             json_cell("Td", "—" if h.stress is None else h.stress)])
            for h in progress.home]
    return html.Details([
        html.Summary(f"Reported at home by the client ({len(progress.home)} days)"),
        dbc.Table([html.Caption("Pain and stress the client gave on their own page, "
                                "between sessions"),
                   html.Thead(html.Tr([html.Th(h, scope="col")
                                       for h in ("Date", "Pain at home", "Stress at home")])),
                   json_body(rows)], size="sm", striped=True, id=ids.PROGRESS_HOME_TABLE),
    ], className="mb-3")


def _questionnaire_table(progress: Progress) -> html.Details | None:
    """Every questionnaire total in the range, at sessions and at home, each marked where it
    was given (the graph's text alternative, and the questionnaires' history)."""
    if not progress.scores:
        return None
    at_home = sum(1 for s in progress.scores if s.by_client)
    rows = [json_cell("Tr", [json_cell("Td", format_day(s.on)),
                             json_cell("Td", INSTRUMENTS[s.instrument].name.split(" ")[0]),
                             json_cell("Td", f"{s.total}" + (f" ({s.band})" if s.band else "")),
                             json_cell("Td", SOURCE_LABELS[s.source].capitalize())])
            for s in reversed(progress.scores)]
    return html.Details([
        html.Summary(f"Questionnaires ({len(progress.scores)}, {at_home} completed at home "
                     "by the client)"),
        dbc.Table([html.Caption("Each questionnaire's total, newest first: given at a session "
                                "or completed by the client at home on their own page (the "
                                "same wording and scoring, one series)"),
                   html.Thead(html.Tr([html.Th(h, scope="col") for h in
                                       ("Date", "Questionnaire", "Total", "Where")])),
                   json_body(rows)], size="sm", striped=True,
                  id=ids.PROGRESS_QUESTIONNAIRE_TABLE),
    ], className="mb-3")


def _adherence_text(progress: Progress) -> str:
    weeks, strategies, matrix = progress.adherence_weeks
    if not strategies:
        return "No adherence recorded in this range."
    parts = []
    for name, row in zip(strategies, matrix, strict=True):
        values = [v for v in row if v is not None]
        parts.append(f"{name}: {sum(values) / len(values):.0%} of prescribed days on average")
    return f"Over {len(weeks)} weeks: " + "; ".join(parts) + "."


def _scatter_text(progress: Progress) -> str:
    pairs = progress.adherence_pairs
    if len(pairs) < 2:
        return "Too few sessions with adherence to compare with pain."
    high = [c for _, share, c in pairs if share >= 0.7]
    low = [c for _, share, c in pairs if share < 0.7]

    def mean(values: list[int]) -> str:
        return f"{sum(values) / len(values):+.1f}" if values else "no sessions"

    return (f"Pain change from baseline averaged {mean(high)} points at sessions where the "
            f"client did at least 70% of prescribed days, and {mean(low)} where they did less.")


def progress_view(progress: Progress, range_choice: str) -> html.Div:
    status = progress.status.status
    comparable = len(progress.adherence_pairs) >= 2
    return html.Div([
        html.Div([
            status_badge(status),
            html.P(progress.sentence, className="mb-0 ms-2 fs-5", id=ids.PROGRESS_SENTENCE),
        ], className="d-flex align-items-center flex-wrap mb-2"),
        # The change in function, read on the same activities (a replaced one is left out,
        # and the sentence says why): issue 17, item 5.
        html.P(progress.function_sentence, id=ids.PROGRESS_FUNCTION_SENTENCE,
               className="mb-3") if progress.function_sentence else None,
        _graph(figures.timeline_figure(progress), ids.PROGRESS_TIMELINE,
               "Pain, function (PSFS) and stress (0-10) at each session, each on its own panel: "
               "pain and function with their baseline (the episode's first session, whatever "
               "the range shown) and their own bands of meaningful improvement and worsening "
               "(none for function once the client's activities changed); "
               "stress has no agreed threshold, so no band; the pain goal and each plan "
               "version; questionnaire totals below with their bands, the clinical cut-off and "
               "the band of measurement noise around the episode's first score, with the "
               "questionnaires the client completed at home as open markers on the same line; "
               "the pain and stress the client gave at home as lighter open markers, apart "
               "from the session's. "
               + progress.sentence + (f" {progress.function_sentence}"
                                      if progress.function_sentence else "")),
        _reliable_change(progress),
        _data_table(progress),
        _home_table(progress),
        _questionnaire_table(progress),
        dbc.Row([
            # An empty graph (axes and nothing on them) says less than its sentence alone.
            dbc.Col([html.H3("Adherence by strategy and week", className="h6"),
                     _graph(figures.adherence_heatmap(progress), ids.PROGRESS_ADHERENCE,
                            _adherence_text(progress)) if any(
                         a.days_done is not None for a in progress.adherence) else
                     html.P(_adherence_text(progress), id=ids.PROGRESS_ADHERENCE)], lg=7),
            dbc.Col([html.H3("Adherence against change in pain", className="h6"),
                     _graph(figures.adherence_scatter(progress), ids.PROGRESS_SCATTER,
                            _scatter_text(progress)) if comparable else
                     html.P(_scatter_text(progress), id=ids.PROGRESS_SCATTER)], lg=5),
        ]),
    ], **data(range=range_choice))


def range_control(value: str = "all",
                  episodes: list[tuple[int, str]] | None = None) -> dbc.Row:
    """The range picker, and an episode picker when the client has had more than one
    (earlier episodes stay viewable; the current one is shown first)."""
    episodes = episodes or []
    return dbc.Row([
        dbc.Col([
            dbc.Label("Show", html_for=ids.PROGRESS_RANGE),
            dbc.Select(id=ids.PROGRESS_RANGE, value=value,
                       options=[{"label": label, "value": key}
                                for key, label in RANGES.items()]),
        ], md=3),
        dbc.Col([
            dbc.Label("Episode of care", html_for=ids.PROGRESS_EPISODE),
            dbc.Select(id=ids.PROGRESS_EPISODE, value=str(episodes[0][0]) if episodes else None,
                       options=[{"label": label, "value": str(eid)}
                                for eid, label in episodes]),
        ], md=4, style={} if len(episodes) > 1 else {"display": "none"}),
    ], className="mb-2 no-print")
