"""One id registry per page outside ``pages/client/`` (that page keeps its own in
``pages/client/ids.py``): ``pages/ids/<page>.py`` holds every component id the page module
``pages/<page>.py`` draws or a callback addresses. The page, its callbacks and the tests import
the registry, so an id has one spelling. The registries import nothing from the pages, so the
tests can read them without loading a page. ``tests/test_code_structure.py`` fails on an id
written out anywhere else under ``pages/`` or ``components/``."""
