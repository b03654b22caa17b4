"""Login, roles, and the one place that decides who may see which client."""
