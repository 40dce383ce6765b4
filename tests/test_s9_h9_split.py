"""A statement the scanner cannot finish (found on hero-org/herocast: a ``/* ... */`` block keeps an old
``cron.schedule('job', '*/10 * * * *', ...)`` call; the ``*/`` inside the quoted cron expression ends the
comment for PostgreSQL). analyze reported libpg_query's scanner error at the end of the file
(``unterminated quoted string ... (at line 16, ...)``) against the file's first statement; PostgreSQL says
``syntax error at or near "10"`` on the cron line. The split now reports what the server reports, where
it reports it, and the statements before the broken one are statements again."""

from __future__ import annotations

import psycopg
import pytest

from pgconsolidate.statements.split import split_sql

FIX = """-- replace the function
drop function if exists public.tick();

create or replace function public.tick() returns int language sql as $$ select 2 $$;

/*
select cron.unschedule('tick');
select cron.schedule(
  'tick',
  '*/10 * * * *',
  $$ select public.tick(); $$
);
*/

comment on function public.tick() is 'Runs every ten minutes (é).';
"""


def _server_error(url: str, text: str) -> tuple[str, int, int]:
    """(message, line, column) of the server's error for ``text`` sent as one simple query."""
    with psycopg.connect(url, autocommit=True) as conn, pytest.raises(psycopg.errors.SyntaxError) as info:
        conn.execute(text.encode())  # bytes: one simple query, as a migration runner sends a file
    diag = info.value.diag
    position = int(diag.statement_position or 0)
    assert position > 0
    before = text[: position - 1]  # the server's position counts characters from 1
    return diag.message_primary or "", before.count("\n") + 1, position - 1 - before.rfind("\n")


@pytest.mark.parametrize(
    "text",
    [
        FIX,
        FIX.replace("select cron.unschedule('tick');\n", ""),  # no ';' inside the comment
        "select 'é';\n" + FIX,  # offsets after non-ASCII text (libpg_query counts bytes)
        "create table t (id int);\nselect 'oops;\n",  # an unterminated quote the grammar reads up to
    ],
)
def test_scanner_stop_reports_the_servers_error(scratch_db: str, text: str) -> None:
    result = split_sql("f.sql", text)
    (failure,) = result.failures
    message, line, column = _server_error(scratch_db, text)
    assert failure.message == message
    assert (failure.line, failure.column) == (line, column)


def test_statements_before_the_broken_one_still_parse() -> None:
    result = split_sql("f.sql", FIX, first_line=3)
    assert [(s.line, s.kind) for s in result.statements] == [(4, "DropStmt"), (6, "CreateFunctionStmt")]
    (failure,) = result.failures
    assert failure.message == 'syntax error at or near "10"'
    assert failure.line == 12 and failure.text.startswith("10 * * * *'")


def test_grammar_error_in_the_last_statement_before_an_unterminated_quote() -> None:
    # the scanner stops at the quote; the statement it was reading has an earlier grammar error
    text = "select 1;\nselect from where 'x;\n"
    (failure,) = split_sql("f.sql", text).failures
    assert failure.message == 'syntax error at or near "where"'
    assert (failure.line, failure.column) == (2, 13)
