"""Every component id the shared components draw themselves, and the shape of the ids of
the client details form, which two pages draw under ids of their own (each page's registry
in pages/ids/ fills a ClientFormIds). Components sit below the pages, so their ids live
here, not in a page's registry."""

from __future__ import annotations

from dataclasses import dataclass

# The navigation bar (components/navbar.py), on every page.
NAVBAR_TOGGLER = "navbar-toggler"  # folds the links into a menu on small screens
NAVBAR_MENU = "navbar-menu"
NAVBAR_USER = "navbar-user"
NAVBAR_ACCOUNT = "navbar-account"
NAVBAR_PROFILE = "navbar-profile"
NAVBAR_SECURITY = "navbar-security"
NAVBAR_LOGOUT = "navbar-logout"


@dataclass(frozen=True)
class ClientFormIds:
    """The ids of one page's client details form (components/client_form.py)."""

    form: str  # Enter in any field submits it (n_submit)
    submit: str
    result: str
    duplicate: str  # the warning about a likely duplicate
    confirmed_duplicate: str  # a store: the duplicate the user chose to add anyway
    fields: dict[str, str]  # field name (client_form.CLIENT_FIELDS, practitioner_id) -> input
    errors: dict[str, str]  # field name -> the element its message goes in
