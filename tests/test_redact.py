from __future__ import annotations

import pytest

from pgconsolidate.redact import redact_text, redact_url


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("postgresql://user:hunter2@db.example.com:5432/postgres", "hunter2"),
        ("postgres://u:p%40ss@h/d?sslmode=require", "p%40ss"),
        ("host=h user=u password=topsecret dbname=d", "topsecret"),
        ("postgresql://h/d?password=qwerty&user=u", "qwerty"),
    ],
)
def test_password_never_survives(url, secret):
    assert secret not in redact_url(url)
    assert secret not in redact_text(f"could not connect: {url} refused")


def test_url_without_password_is_unchanged():
    url = "postgresql://postgres@/postgres?host=/tmp/x"
    assert redact_url(url) == url
