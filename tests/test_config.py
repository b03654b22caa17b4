import pytest

from dashboard.config import DEV_SECRET_KEY, Settings, SettingsError


def test_development_defaults_to_a_local_sqlite_file():
    settings = Settings.from_env({})
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith(
        "var/dashboard.sqlite3")
    assert settings.secret_key == DEV_SECRET_KEY


def test_production_refuses_to_start_without_a_real_secret():
    with pytest.raises(SettingsError):
        Settings.from_env({"DASHBOARD_ENV": "production"})
    with pytest.raises(SettingsError):
        Settings.from_env({"DASHBOARD_ENV": "production", "SECRET_KEY": DEV_SECRET_KEY})
    settings = Settings.from_env({"DASHBOARD_ENV": "production",
                                  "SECRET_KEY": "kJ3v9Qp2XwZ7rT5yLm8nB4cD6fG1hS0a"})
    assert settings.secure_cookies


def test_unknown_time_zone_is_refused():
    with pytest.raises(SettingsError, match="time zone"):
        Settings.from_env({"CLINIC_TIMEZONE": "Mars/Olympus"})
