from dashboard.domain.audit import action_words, detail_words


def test_actions_read_as_words():
    assert action_words("client_viewed") == "Client viewed"
    assert action_words("totp_code_shown") == "Two-step code printed (command line)"


def test_detail_reads_as_text_and_odd_detail_is_shown_as_it_is():
    assert detail_words('{"version": 2, "changes": ["Added Heat", "Removed Cold"]}') == \
        "version: 2; changes: Added Heat, Removed Cold"
    assert detail_words('{"duplicate_confirmed": false, "reason": null}') == \
        "duplicate confirmed: no; reason: —"
    assert detail_words("not json {") == "not json {"
    assert detail_words("") == ""
    assert len(detail_words('{"note": "' + "x" * 500 + '"}', limit=50)) == 50
