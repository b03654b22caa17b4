"""A client link as people see it: its full address, its short form, its QR code."""

from __future__ import annotations

import segno
from flask import has_request_context, request

from dashboard.config import Settings

CLIENT_PATH = "/my/"
LOCAL_URL = "http://127.0.0.1:8050"


def base_url(settings: Settings) -> str:
    """The address the app is opened at: the setting, else this request's, else localhost."""
    if settings.public_url:
        return settings.public_url
    if has_request_context():
        return request.host_url.rstrip("/")
    return LOCAL_URL


def link_url(settings: Settings, token: str) -> str:
    return f"{base_url(settings)}{CLIENT_PATH}{token}"


def short_link(url: str) -> str:
    """The link without its scheme, for people to type from paper."""
    return url.split("://", 1)[-1]


def qr_svg(url: str, *, scale: int = 4) -> str:
    """An inline SVG QR code of the link (no script, no external image)."""
    return segno.make(url, error="m").svg_inline(
        scale=scale, title="QR code of the client's own link", dark="#000", light="#fff")
