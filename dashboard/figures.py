"""Figures as plain dicts in Plotly's figure schema, built from plain data.

Plotly's helpers (make_subplots, add_vline, add_hrect) validate every property and cost
tens of milliseconds a figure; these dicts cost well under one. Colours are the Okabe-Ito
palette (safe for colour-blind readers), and each series also differs by marker and dash.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dashboard.domain.dates import D3_DAY_FORMAT, format_day
from dashboard.domain.measures import SOURCE_LABELS
from dashboard.domain.outcomes import (
    RECOVERY,
    RELIABLE_DETERIORATION,
    RELIABLE_IMPROVEMENT,
    RELIABLE_RECOVERY,
)
from dashboard.domain.progress import (
    ClinicSummary,
    Progress,
)
from dashboard.domain.questionnaires import INSTRUMENTS
from dashboard.domain.status import IMPROVEMENT, SCALE_MAX, STATUS_LABELS, Band

Figure = dict[str, Any]

ORANGE, SKY, GREEN, YELLOW = "#E69F00", "#56B4E9", "#009E73", "#F0E442"
BLUE, VERMILLION, PURPLE, GREY = "#0072B2", "#D55E00", "#CC79A7", "#6c757d"
SERIES = {
    "pain": ("Pain", VERMILLION, "circle", "solid"),
    "stress": ("Stress", BLUE, "square", "dash"),
    "function": ("Function (PSFS)", GREEN, "diamond", "dot"),
}
QUESTIONNAIRE_COLOURS = {"PHQ9": PURPLE, "GAD7": ORANGE, "PSS10": SKY}
BAND_SHADES = ["rgba(0,0,0,0.00)", "rgba(0,0,0,0.05)", "rgba(0,0,0,0.10)",
               "rgba(0,0,0,0.15)", "rgba(0,0,0,0.20)"]
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', sans-serif", "size": 13}


def _iso(day: dt.date) -> str:
    return day.isoformat()


# Dates as the rest of the app writes them ("30 Nov 2026"), on axes and in hover labels.
DAY_FORMAT = D3_DAY_FORMAT
DATE_AXIS = {"type": "date", "tickformat": DAY_FORMAT, "hoverformat": DAY_FORMAT}
LEGEND_GAP_PX = 60  # room under the plot for the x axis's labels, even when tilted


def _base_layout(height: int) -> dict[str, Any]:
    margin = {"l": 60, "r": 20, "t": 30, "b": 40}
    return {"height": height, "margin": margin, "font": FONT,
            "plot_bgcolor": "white", "paper_bgcolor": "white", "hovermode": "x unified",
            # Below the plot and its axis labels: Plotly grows the bottom margin to fit a
            # legend outside the plot. Inside or above the plot, on a phone it covers the
            # lines, and on a tablet it sits under Plotly's toolbar.
            "legend": {"orientation": "h", "x": 0, "xanchor": "left", "yanchor": "top",
                       "y": -LEGEND_GAP_PX / max(100, height - margin["t"] - margin["b"])}}


def _panel_domains(heights: list[float], gap: float = 0.05) -> list[list[float]]:
    """Vertical domains (top first) for panels of these relative heights."""
    total = sum(heights)
    domains, top = [], 1.0
    for h in heights:
        share = h / total
        bottom = max(0.0, top - share)
        domains.append([bottom + (gap if bottom > 0.001 else 0), top])
        top = bottom
    return domains


def _bands(row_suffix: str, bands: list[Band]) -> tuple[list[dict], list[dict]]:
    """A measure's own bands of meaningful change, shaded and labelled on its own panel."""
    shapes, annotations = [], []
    for band in bands:
        better = band.meaning == IMPROVEMENT
        shapes.append({"type": "rect", "xref": f"x{row_suffix} domain",
                       "yref": f"y{row_suffix}", "x0": 0, "x1": 1,
                       "y0": band.low - (0.3 if band.low == 0 else 0),
                       "y1": band.high + (0.3 if band.high == SCALE_MAX else 0),
                       "fillcolor": "rgba(0,158,115,0.10)" if better else
                       "rgba(213,94,0,0.10)", "line": {"width": 0}, "layer": "below"})
        top = band.high == SCALE_MAX
        annotations.append({"xref": f"x{row_suffix} domain", "yref": f"y{row_suffix}",
                            "x": 1, "y": band.high if not top else band.low,
                            "xanchor": "right", "yanchor": "top" if not top else "bottom",
                            "showarrow": False, "text": band.meaning,
                            "font": {"size": 11,
                                     "color": "#005a42" if better else "#8a3c00"}})
    return shapes, annotations


def _home_series(progress: Progress, key: str, suffix: str) -> list[dict[str, Any]]:
    """The client's own scores from home as a lighter series beside the session's: open
    markers, no line, half opacity, named as reported by the client."""
    days = [(h.log_on, getattr(h, key)) for h in progress.home if getattr(h, key) is not None]
    if not days:
        return []
    name, colour, symbol, _dash = SERIES[key]
    label = f"{name} at home (client)"
    return [{"type": "scatter", "mode": "markers", "name": label,
             "x": [_iso(on) for on, _ in days], "y": [value for _, value in days],
             "xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "opacity": 0.55,
             "marker": {"symbol": f"{symbol}-open", "size": 7, "color": colour,
                        "line": {"width": 1.5}},
             "hovertemplate": f"{label}: %{{y}}<extra></extra>"}]


def _home_function_series(progress: Progress, suffix: str) -> list[dict[str, Any]]:
    """The client's PSFS ratings made at home: their means as open markers beside the
    sessions' (the same scale, the same activities), named as the client's own."""
    rated = [r for r in progress.home_function if r.score is not None]
    if not rated:
        return []
    name, colour, symbol, _dash = SERIES["function"]
    label = f"{name} at home (client)"
    return [{"type": "scatter", "mode": "markers", "name": label,
             "x": [_iso(r.on) for r in rated], "y": [r.score for r in rated],
             "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
             "marker": {"symbol": f"{symbol}-open", "size": 9, "color": colour,
                        "line": {"width": 2}},
             "hovertemplate": f"{label}: %{{y}}<extra></extra>"}]


def _questionnaire_series(progress: Progress, key: str, suffix: str) -> list[dict[str, Any]]:
    """One line through every total of a questionnaire, at sessions and at home, in time
    order (the same series: the same instrument, scored by the same code); the ones the
    client completed at home have open markers, repeated as a legend entry of their own,
    and say so on hover."""
    scores = [s for s in progress.scores if s.instrument == key]
    short = INSTRUMENTS[key].name.split(" ")[0]
    colour = QUESTIONNAIRE_COLOURS[key]
    axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
    series = [{"type": "scatter", "mode": "lines+markers", "name": short,
               "x": [_iso(s.on) for s in scores], "y": [s.total for s in scores], **axes,
               "line": {"color": colour, "width": 2},
               "marker": {"size": 7, "color": colour,
                          "symbol": ["circle-open" if s.by_client else "circle"
                                     for s in scores]},
               "customdata": [SOURCE_LABELS[s.source] for s in scores],
               "hovertemplate": f"{short}: %{{y}} %{{customdata}}<extra></extra>"}]
    home = [s for s in scores if s.by_client]
    if home:
        series.append({"type": "scatter", "mode": "markers",
                       "name": f"{short} at home (client)", **axes,
                       "x": [_iso(s.on) for s in home], "y": [s.total for s in home],
                       "marker": {"size": 9, "symbol": "circle-open", "color": colour,
                                  "line": {"width": 2}},
                       "hoverinfo": "skip"})
    return series


def timeline_figure(progress: Progress) -> Figure:
    """Pain, function (PSFS) and stress (0-10) each on its own panel with its own bands of
    meaningful change (pain: improvement and worsening from baseline; function: its own
    2-point rule, higher is better; stress: no agreed threshold, so none); questionnaire
    totals in panels below with their severity bands; baseline, goal and plan versions."""
    points = progress.points
    x = [_iso(p.session_on) for p in points]
    instruments = [k for k in ("PHQ9", "GAD7", "PSS10")
                   if any(s.instrument == k for s in progress.scores)]
    measures = ["pain"] + (["function"] if progress.function_baseline is not None or any(
        p.function is not None for p in points) or progress.home_function else []) + ["stress"]
    rows = len(measures) + len(instruments)
    heights = [1.6] + [1.0] * (rows - 1)
    domains = _panel_domains(heights)
    layout = _base_layout(240 + 150 * (rows - 1))
    data: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for row in range(rows):
        suffix = "" if row == 0 else str(row + 1)
        layout[f"xaxis{suffix}"] = {**DATE_AXIS, "anchor": f"y{suffix}", "showgrid": False,
                                    "matches": "x" if row else None,
                                    "showticklabels": row == rows - 1}
        layout[f"yaxis{suffix}"] = {"domain": domains[row], "anchor": f"x{suffix}",
                                    "gridcolor": "#e9ecef", "zeroline": False}
    layout["xaxis"].pop("matches")
    for row, key in enumerate(measures):
        suffix = "" if row == 0 else str(row + 1)
        name, colour, symbol, dash = SERIES[key]
        values = [getattr(p, key) for p in points]
        data.append({"type": "scatter", "mode": "lines+markers", "name": name, "x": x,
                     "y": values, "line": {"color": colour, "dash": dash, "width": 2.5},
                     "marker": {"symbol": symbol, "size": 8, "color": colour},
                     "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
                     "hovertemplate": f"{name}: %{{y}}<extra></extra>"})
        if key in ("pain", "stress"):
            data += _home_series(progress, key, suffix)
        else:
            data += _home_function_series(progress, suffix)
        layout[f"yaxis{suffix}"].update({"range": [-0.3, 10.3], "dtick": 2 if row == 0 else 5,
                                         "title": {"text": name.split(" ")[0]}})
        baseline = progress.baseline.pain if key == "pain" and progress.baseline else \
            progress.function_baseline_line if key == "function" else None
        bands = progress.pain_bands if key == "pain" else \
            progress.function_bands if key == "function" else []
        more_shapes, more_annotations = _bands(suffix, bands)
        shapes += more_shapes
        annotations += more_annotations
        if baseline is not None:
            shapes.append(_hline(f"y{suffix}", baseline, GREY, "dot"))
            annotations.append(_label(f"y{suffix}", baseline, f"baseline {baseline:g}", GREY,
                                      left=True))
    if progress.pain_goal is not None:
        shapes.append(_hline("y", progress.pain_goal, "#000000", "dashdot"))
        annotations.append(_label("y", progress.pain_goal, f"goal ≤ {progress.pain_goal}",
                                  "#000000", left=True))
    for marker in progress.markers:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0":
                       _iso(marker.effective_on), "x1": _iso(marker.effective_on), "y0": 0,
                       "y1": 1, "line": {"color": "#495057", "width": 1, "dash": "dot"}})
        annotations.append({"xref": "x", "yref": "paper", "x": _iso(marker.effective_on),
                            "y": 1.0, "yanchor": "bottom", "showarrow": False,
                            "text": f"plan v{marker.version}", "font": {"size": 11}})
    for row, key in enumerate(instruments, start=len(measures)):
        suffix = str(row + 1)
        instrument = INSTRUMENTS[key]
        data += _questionnaire_series(progress, key, suffix)
        short = instrument.name.split(" ")[0]
        layout[f"yaxis{suffix}"].update({"range": [0, instrument.max_total],
                                         "title": {"text": short}})
        edges = [low for low, _ in instrument.bands] + [instrument.max_total]
        for i, (low, label) in enumerate(instrument.bands):
            shapes.append({"type": "rect", "xref": f"x{suffix} domain", "yref": f"y{suffix}",
                           "x0": 0, "x1": 1, "y0": low, "y1": edges[i + 1],
                           "fillcolor": BAND_SHADES[i], "line": {"width": 0},
                           "layer": "below"})
            annotations.append({"xref": f"x{suffix} domain", "yref": f"y{suffix}", "x": 0.005,
                                "y": low, "yanchor": "bottom", "xanchor": "left",
                                "showarrow": False, "text": label,
                                "font": {"size": 10, "color": "#495057"}})
        _mark_reliable_change(progress, key, suffix, shapes, annotations)
    layout["shapes"], layout["annotations"] = shapes, annotations
    return {"data": data, "layout": layout}


RELIABLE_COLOURS = {RELIABLE_DETERIORATION: VERMILLION, RELIABLE_RECOVERY: "#005a42",
                    RELIABLE_IMPROVEMENT: "#005a42", RECOVERY: "#005a42"}


def _mark_reliable_change(progress: Progress, key: str, suffix: str,
                          shapes: list[dict[str, Any]], annotations: list[dict[str, Any]]
                          ) -> None:
    """On a questionnaire's panel: the band of measurement noise around the episode's first
    score (a latest score inside it is no reliable change), the clinical cut-off, and the
    episode's category written at the top right."""
    measure = next(m for m in progress.questionnaires.measures if m.instrument == key)
    top = INSTRUMENTS[key].max_total
    yref = f"y{suffix}"
    threshold = measure.threshold
    if measure.first is not None:
        # Integer totals: anything strictly between first ± reliable change is noise.
        low = max(0.0, measure.first - threshold.reliable_change + 0.5)
        high = min(float(top), measure.first + threshold.reliable_change - 0.5)
        shapes.append({"type": "rect", "xref": f"x{suffix} domain", "yref": yref, "x0": 0,
                       "x1": 1, "y0": low, "y1": high, "fillcolor": "rgba(86,180,233,0.18)",
                       "line": {"width": 0}, "layer": "below"})
    if threshold.caseness is not None:
        shapes.append({**_hline(yref, threshold.caseness, "#000000", "dash"),
                       "xref": f"x{suffix} domain"})
        annotations.append({**_label(yref, threshold.caseness,
                                     f"caseness {threshold.caseness}", "#000000"),
                            "xref": f"x{suffix} domain", "x": 0.75})
    annotations.append({"xref": f"x{suffix} domain", "yref": f"{yref} domain", "x": 1,
                        "y": 1, "xanchor": "right", "yanchor": "top", "showarrow": False,
                        "text": f"<b>{measure.label}</b>", "bgcolor": "rgba(255,255,255,0.8)",
                        "font": {"size": 11,
                                 "color": RELIABLE_COLOURS.get(measure.category, "#495057")}})


def _hline(yref: str, y: float, colour: str, dash: str) -> dict[str, Any]:
    return {"type": "line", "xref": "x domain", "yref": yref, "x0": 0, "x1": 1, "y0": y,
            "y1": y, "line": {"color": colour, "width": 1.5, "dash": dash}}


def _label(yref: str, y: float, text: str, colour: str, left: bool = False) -> dict[str, Any]:
    return {"xref": "x domain", "yref": yref, "x": 0 if left else 1, "y": y,
            "xanchor": "left" if left else "right", "yanchor": "bottom", "showarrow": False,
            "text": text, "font": {"size": 11, "color": colour}}


def adherence_heatmap(progress: Progress) -> Figure:
    """Weeks by strategies: the share of prescribed days done (cividis: colour-blind safe)."""
    weeks, strategies, matrix = progress.adherence_weeks
    text = [["—" if v is None else f"{v:.0%}" for v in row] for row in matrix]
    layout = _base_layout(120 + 40 * max(1, len(strategies)))
    layout.update({"hovermode": "closest", "xaxis": {**DATE_AXIS, "title": {"text": "Week"}},
                   "yaxis": {"automargin": True}, "margin": {"l": 10, "r": 20, "t": 20,
                                                             "b": 50}})
    return {"data": [{"type": "heatmap", "x": [_iso(w) for w in weeks], "y": strategies,
                      "z": matrix, "text": text, "zmin": 0, "zmax": 1,
                      "colorscale": "Cividis", "xgap": 2, "ygap": 2,
                      "colorbar": {"title": {"text": "done"}, "tickformat": ".0%"},
                      "hovertemplate": f"%{{y}}, week of %{{x|{DAY_FORMAT}}}: %{{text}} of "
                                       "prescribed days<extra></extra>"}],
            "layout": layout}


def adherence_scatter(progress: Progress) -> Figure:
    """Each session: share of prescribed days done against the change in pain."""
    pairs = progress.adherence_pairs
    layout = _base_layout(300)
    layout.update({"hovermode": "closest",
                   "xaxis": {"title": {"text": "Prescribed days done"}, "tickformat": ".0%",
                             "range": [-0.05, 1.05]},
                   "yaxis": {"title": {"text": "Pain change from baseline"},
                             "zeroline": True, "zerolinecolor": GREY}})
    return {"data": [{"type": "scatter", "mode": "markers", "name": "Session",
                      "x": [share for _, share, _ in pairs], "y": [c for _, _, c in pairs],
                      "text": [format_day(day) for day, _, _ in pairs],
                      "marker": {"color": BLUE, "size": 10, "symbol": "circle"},
                      "hovertemplate": "%{text}: %{x:.0%} done, pain %{y:+d}<extra></extra>"}],
            "layout": layout}


def caseload_figure(summary: ClinicSummary) -> Figure:
    names = [n for n, _ in summary.caseload]
    layout = _base_layout(120 + 28 * max(1, len(names)))
    layout.update({"hovermode": "closest", "yaxis": {"automargin": True, "autorange":
                                                      "reversed"},
                   "xaxis": {"title": {"text": "Active clients"}},
                   "margin": {"l": 10, "r": 20, "t": 20, "b": 40}})
    return {"data": [{"type": "bar", "orientation": "h", "y": names,
                      "x": [n for _, n in summary.caseload], "marker": {"color": BLUE},
                      "text": [n for _, n in summary.caseload], "textposition": "auto"}],
            "layout": layout}


def status_share_figure(summary: ClinicSummary) -> Figure:
    order = ["improving", "stable", "worsening", "not_enough_data"]
    colours = [GREEN, GREY, VERMILLION, "#adb5bd"]
    total = sum(summary.statuses.values()) or 1
    counts = [summary.statuses.get(k, 0) for k in order]
    layout = _base_layout(260)
    layout.update({"hovermode": "closest", "yaxis": {"title": {"text": "Share of clients"},
                                                      "tickformat": ".0%"}})
    return {"data": [{"type": "bar", "x": [STATUS_LABELS[k] for k in order],
                      "y": [n / total for n in counts],
                      "text": [f"{n} ({n / total:.0%})" for n in counts], "textposition": "auto",
                      "marker": {"color": colours}}],
            "layout": layout}


def pain_by_strategy_figure(summary: ClinicSummary) -> Figure:
    rows = summary.pain_change_by_strategy
    layout = _base_layout(120 + 36 * max(1, len(rows)))
    layout.update({"hovermode": "closest", "yaxis": {"automargin": True},
                   "xaxis": {"title": {"text": "Mean pain change since baseline (points)"},
                             "zeroline": True, "zerolinecolor": "#000000"},
                   "margin": {"l": 10, "r": 20, "t": 20, "b": 50}})
    return {"data": [{"type": "bar", "orientation": "h", "y": [r[0] for r in rows],
                      "x": [r[1] for r in rows], "marker": {"color": ORANGE},
                      "text": [f"{r[1]:+.1f} (n={r[2]})" for r in rows],
                      "textposition": "auto"}],
            "layout": layout}


def sessions_per_week_figure(summary: ClinicSummary) -> Figure:
    layout = _base_layout(260)
    layout.update({"hovermode": "closest", "xaxis": DATE_AXIS,
                   "yaxis": {"title": {"text": "Sessions"}}})
    return {"data": [{"type": "bar", "x": [_iso(w) for w, _ in summary.sessions_per_week],
                      "y": [n for _, n in summary.sessions_per_week],
                      "marker": {"color": SKY},
                      "hovertemplate": f"Week of %{{x|{DAY_FORMAT}}}: %{{y}} sessions"
                                       "<extra></extra>"}],
            "layout": layout}
