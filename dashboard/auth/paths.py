"""The sign-in routes' addresses, which the routes and the request guards both name."""

LOGIN_PATH = "/login"
CODE_PATH = "/login/code"
LOGOUT_PATH = "/logout"
HEALTH_PATH = "/healthz"
PASSWORD_PATH = "/account/password"  # noqa: S105 - a route, not a secret
