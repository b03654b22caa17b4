"""A client link as people see it: its full address, its short form, its QR code."""

from __future__ import annotations

from dashboard.config import Settings
from dashboard.context import public_base_url
from dashboard.domain.home_log import CLIENT_PATH, client_link_url, link_qr_svg, short_link

__all__ = ["CLIENT_PATH", "link_url", "qr_svg", "short_link"]


def link_url(settings: Settings, token: str) -> str:
    return client_link_url(public_base_url(settings), token)


def qr_svg(url: str) -> str:
    return link_qr_svg(url)
