"""Password rules: at least 12 characters, no composition rules, no common passwords."""

from __future__ import annotations

MIN_LENGTH = 12
MAX_LENGTH = 256

# The most common passwords of 12 characters or more in public breach lists.
COMMON = frozenset({
    "123456789012", "1234567890123", "12345678910", "qwertyuiop123", "password1234",
    "password12345", "passwordpassword", "iloveyou1234", "qwertyuiopasdf", "111111111111",
    "000000000000", "abcdefghijkl", "abc123456789", "letmein12345", "welcome12345",
    "administrator", "qwerty123456", "1q2w3e4r5t6y", "1qaz2wsx3edc", "zaq12wsxcde3",
    "changeme1234", "trustno11234", "football1234", "baseball1234", "monkey123456",
    "sunshine1234", "princess1234", "passw0rd1234", "p@ssword1234", "p@ssw0rd1234",
})


def password_problem(password: str) -> str | None:
    """What is wrong with a new password, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.lower() in COMMON or len(set(password)) < 4:
        return "This password is too common or too easy to guess; choose another."
    return None
