"""Migration 0008 fills the questionnaire outcomes of the rows already there."""

from sqlalchemy import text

from dashboard.db.engine import Database
from dashboard.db.migrate import upgrade


def test_upgrade_freezes_questionnaire_outcomes_of_existing_episodes(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0007")
    db = Database(url)
    with db.begin() as s:
        s.execute(text("INSERT INTO users (email, name, role, password_hash, active, "
                       "must_change_password, phone, created_at) VALUES ('a@b.c', 'A', "
                       "'practitioner', 'x', 1, 0, '', '2026-01-01 00:00:00')"))
        for _client in (1, 2):
            s.execute(text("INSERT INTO clients (given_name, family_name, date_of_birth, "
                           "email, phone, practitioner_id, archived, created_at, status) "
                           "VALUES ('C', 'D', '1980-01-01', '', '', 1, 0, "
                           "'2026-01-01 00:00:00', 'stable')"))
        # Client 1: a discharged episode (PHQ-9 16 -> 8); client 2: open (GAD-7 3 -> 7).
        s.execute(text("INSERT INTO episodes (client_id, started_on, ended_on, reason, "
                       "discharge_reason) VALUES (1, '2026-01-01', '2026-02-01', '', "
                       "'goals_met'), (2, '2026-01-01', NULL, '', NULL)"))
        for sid, (episode, client, day, instrument, values) in enumerate((
                (1, 1, "2026-01-02", "PHQ9", [3, 3, 3, 3, 3, 1, 0, 0, 0]),
                (1, 1, "2026-01-20", "PHQ9", [3, 3, 2, 0, 0, 0, 0, 0, 0]),
                (2, 2, "2026-01-02", "GAD7", [3, 0, 0, 0, 0, 0, 0]),
                (2, 2, "2026-01-20", "GAD7", [3, 3, 1, 0, 0, 0, 0])), start=1):
            s.execute(text("INSERT INTO care_sessions (client_id, episode_id, practitioner_id, "
                           "session_on, pain, stress, notes, created_at) VALUES "
                           "(:c, :e, 1, :d, 6, 5, '', '2026-01-02 10:00:00')"),
                      {"c": client, "e": episode, "d": day})
            for item, value in enumerate(values, start=1):
                s.execute(text("INSERT INTO questionnaire_answers (session_id, instrument, "
                               "item, value) VALUES (:s, :i, :n, :v)"),
                          {"s": sid, "i": instrument, "n": item, "v": value})
    upgrade(url)
    with db.read() as s:
        assert s.execute(text(
            "SELECT baseline_phq9, discharge_phq9, baseline_gad7, reliable_change, recovered "
            "FROM episodes WHERE id = 1")).one() == (16, 8, None, "improvement", 1)
        # Open episodes are not frozen; their clients carry the current figures.
        assert s.execute(text("SELECT reliable_change FROM episodes WHERE id = 2")).scalar() \
            is None
        assert s.execute(text("SELECT id, reliable_change, recovered FROM clients "
                              "ORDER BY id")).all() == [(1, "improvement", 1),
                                                        (2, "deterioration", None)]
    db.dispose()


def test_upgrade_counts_questionnaires_completed_at_home_before_they_were_counted(tmp_path):
    """Issue 22: home questionnaires saved before the code counted them changed a client's
    figures only at the client's next save (never, for one who did not come back, nor for
    an episode discharged in between). Migration 0019 counts them."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0018")
    db = Database(url)
    with db.begin() as s:
        s.execute(text("INSERT INTO users (email, name, role, password_hash, active, "
                       "must_change_password, phone, created_at) VALUES ('a@b.c', 'A', "
                       "'practitioner', 'x', 1, 0, '', '2026-01-01 00:00:00')"))
        for _client in (1, 2, 3):
            s.execute(text("INSERT INTO clients (given_name, family_name, date_of_birth, "
                           "email, phone, practitioner_id, archived, created_at, status) "
                           "VALUES ('C', 'D', '1980-01-01', '', '', 1, 0, "
                           "'2026-01-01 00:00:00', 'stable')"))
        # Client 1 open, client 2 discharged, client 3 open without home questionnaires
        # (its figures stay as stored, even stale ones: only home clients are touched).
        s.execute(text("INSERT INTO episodes (client_id, started_on, ended_on, reason, "
                       "discharge_reason) VALUES (1, '2026-01-01', NULL, '', NULL), "
                       "(2, '2026-01-01', '2026-02-01', '', 'goals_met'), "
                       "(3, '2026-01-01', NULL, '', NULL)"))
        for sid, client in ((1, 1), (2, 2), (3, 3)):  # PHQ-9 16 at the first session
            s.execute(text("INSERT INTO care_sessions (client_id, episode_id, practitioner_id, "
                           "session_on, pain, stress, notes, created_at) VALUES "
                           "(:c, :c, 1, '2026-01-02', 6, 5, '', '2026-01-02 10:00:00')"),
                      {"c": client})
            for item, value in enumerate([3, 3, 3, 3, 3, 1, 0, 0, 0], start=1):
                s.execute(text("INSERT INTO questionnaire_answers (session_id, instrument, "
                               "item, value) VALUES (:s, 'PHQ9', :n, :v)"),
                          {"s": sid, "n": item, "v": value})
        # PHQ-9 4 completed at home by clients 1 and 2: a reliable improvement, recovered.
        for rid, client in ((1, 1), (2, 2)):
            s.execute(text("INSERT INTO home_measure_responses (client_id, episode_id, "
                           "instrument, completed_on, completed_at, total, band) VALUES "
                           "(:c, :c, 'PHQ9', '2026-01-20', '2026-01-20 18:00:00', 4, "
                           "'minimal')"), {"c": client})
            for item, value in enumerate([1, 1, 1, 1, 0, 0, 0, 0, 0], start=1):
                s.execute(text("INSERT INTO home_measure_answers (response_id, item, value) "
                               "VALUES (:r, :n, :v)"), {"r": rid, "n": item, "v": value})
        # What the old code left: the session's figures only.
        s.execute(text("UPDATE episodes SET baseline_phq9 = 16 WHERE id = 2"))
        s.execute(text("UPDATE clients SET reliable_change = 'no_change'"))
    upgrade(url)
    with db.read() as s:
        assert s.execute(text("SELECT id, reliable_change, recovered FROM clients "
                              "ORDER BY id")).all() == [(1, "improvement", 1),
                                                        (2, "improvement", 1),
                                                        (3, "no_change", None)]
        assert s.execute(text(
            "SELECT baseline_phq9, discharge_phq9, reliable_change, recovered FROM episodes "
            "WHERE id = 2")).one() == (16, 4, "improvement", 1)
    db.dispose()
