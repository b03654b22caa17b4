"""Issue 18, items 8 and 14: the one text validator refuses what cannot be stored or
makes a name look like another (lone surrogates, C1 controls, bidi overrides, zero-width)."""

import pytest

from dashboard.domain.text import has_control

LOOKALIKES = {
    "lone surrogate": "Ann\ud800",
    "low surrogate": "\udfffAnn",
    "C1 next line": "Ann\u0085Adams",
    "C1 CSI": "Ann\u009b31m",
    "right-to-left override": "Ann\u202eadams",
    "left-to-right embedding": "Ann\u202aadams",
    "zero-width space": "An\u200bn",
    "zero-width joiner": "An\u200dn",
    "word joiner": "An\u2060n",
    "byte order mark": "\ufeffAnn",
    "right-to-left mark": "Ann\u200f",
    "first strong isolate": "\u2068Ann\u2069",
    "tab": "Ann\tAdams",
    "line break": "Ann\nAdams",
}


@pytest.mark.parametrize("kind", LOOKALIKES)
def test_names_and_identifiers_refuse_invisible_and_direction_characters(kind):
    assert has_control(LOOKALIKES[kind])


@pytest.mark.parametrize("kind", ["lone surrogate", "low surrogate", "C1 next line",
                                  "C1 CSI", "right-to-left override",
                                  "left-to-right embedding"])
def test_prose_refuses_the_same_except_what_languages_need(kind):
    assert has_control(LOOKALIKES[kind], multiline=True)


@pytest.mark.parametrize("text", [
    "Ann Adams", "Łukasz Wójcik", "O'Brien-Smith", "王小明", "فاطمة الزهراء", "Ζωή", "🙂",
])
def test_real_names_pass(text):
    assert not has_control(text)


@pytest.mark.parametrize("text", [
    "Line one\nline two\twith a tab\r\n",
    "قال \u200fالمريض\u200f إن الألم خف",  # right-to-left marks in an Arabic note
    "\u2067مرحبا\u2069 said the client",  # an isolate around a right-to-left phrase
    "می\u200cخواهم",  # Persian: a zero-width non-joiner inside a word
])
def test_prose_keeps_what_right_to_left_and_other_scripts_need(text):
    assert not has_control(text, multiline=True)
