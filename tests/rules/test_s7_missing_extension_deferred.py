"""``missing-extension`` says whether the migration itself fails on a fresh database or only the call,
later: a call inside a PL/pgSQL body or a scheduled job's text runs only when that runs."""

from __future__ import annotations

import pytest

RULE = "missing-extension"
NOW = "fails on a fresh database"
LATER = "the migrations run, but each call fails when its function or scheduled job runs"

CRON = "create extension if not exists pg_cron;\n"


@pytest.mark.parametrize(
    ("sql", "outcome"),
    [
        # in a scheduled job's text: cron.schedule runs, the job fails each time
        (
            CRON + "select cron.schedule('j', '0 * * * *', $$ select net.http_post(url := 'https://x') $$);",
            LATER,
        ),
        # in a PL/pgSQL body: not resolved when the function is created
        (
            "create function f() returns void language plpgsql as $$ "
            "begin perform net.http_post('https://x'); "
            "end $$;",
            LATER,
        ),
        # a statement that runs the call
        ("select net.http_post(url := 'https://x');", NOW),
        # a DO block runs its body at once
        ("do $$ begin perform net.http_post('https://x'); end $$;", NOW),
        # a LANGUAGE sql body is checked when it is created (check_function_bodies)
        ("create function g() returns text language sql as $$ select crypt('a', 'b') $$;", NOW),
        # one use that fails at once is enough for the migration to fail
        (
            "create function f() returns text language plpgsql as $$ begin return crypt('a', 'b'); end $$;\n"
            "select crypt('a', 'b');",
            NOW,
        ),
        # the name outside the string too (a job's name that is also called)
        (
            CRON
            + "select cron.schedule('j', '* * * * *', 'select 1'), gen_random_bytes(4), crypt('a', 'b');",
            NOW,
        ),
    ],
)
def test_outcome(check, sql, outcome):
    found = check(RULE, {"1_a.sql": sql})
    assert len(found) == 1, [f.message for f in found]
    assert found[0].message.endswith(outcome), found[0].message
    if outcome == LATER:
        assert NOW not in found[0].message


def test_non_ascii_text_before_the_call(check):
    sql = (
        "-- café ☕\ncreate function f() returns void language plpgsql as $$ begin -- naïve\n"
        "perform net.http_post('https://x'); end $$;"
    )
    (finding,) = check(RULE, {"1_a.sql": sql})
    assert finding.message.endswith(LATER)
