"""Figures read on any screen (issue 19): the legend below the plot, dates as the app
writes them."""

import datetime as dt

from dashboard import figures
from dashboard.domain.progress import SessionPoint, build_progress

START = dt.date(2026, 1, 5)


def test_the_legend_sits_below_the_plot_and_dates_read_30_nov_2026():
    points = [SessionPoint(START, 6, 7, 4.0), SessionPoint(START + dt.timedelta(days=7), 5, 3,
                                                           6.5)]
    figure = figures.timeline_figure(build_progress(points, [], [], None))
    legend = figure["layout"]["legend"]
    assert legend["yanchor"] == "top" and legend["y"] < 0  # under the plot, not over it
    dated = [v for k, v in figure["layout"].items() if k.startswith("xaxis")]
    assert dated and all(a["tickformat"] == a["hoverformat"] == "%-d %b %Y" for a in dated)
