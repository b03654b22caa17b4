"""The printable handout: HTML from a Jinja2 template and a print stylesheet, then PDF."""
