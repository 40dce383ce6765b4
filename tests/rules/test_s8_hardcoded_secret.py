"""ok/bad cases of ``hardcoded-secret``: a credential in clear in a migration is reported by kind and
place, never printed (text, JSON and SARIF outputs); placeholders are not reported."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.report.analyze import analyze_directory

from .conftest import Check
from .helpers import EXAMPLE_MIGRATIONS, write_dir

RULE = "hardcoded-secret"


def b64(obj: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


HEADER = b64({"alg": "HS256", "typ": "JWT"})
SIG = "QmtBx9r7Zp2L0aVwYc3Ks8TnUe4Hd1Gf6Jq5Mb"
SERVICE = f"{HEADER}.{b64({'iss': 'supabase', 'ref': 'abcdefghij', 'role': 'service_role'})}.{SIG}"
ANON = f"{HEADER}.{b64({'iss': 'supabase', 'ref': 'abcdefghij', 'role': 'anon'})}.{SIG}"
OTHER = f"{HEADER}.{b64({'sub': '1234567890', 'name': 'x'})}.{SIG}"
DEMO = f"{HEADER}.{b64({'iss': 'supabase-demo', 'role': 'service_role', 'exp': 1983812996})}.{SIG}"
STRIPE = "sk_live_" + "51HqLyjWDarjtT1zdp7dcXgT"
PEM = "-----BEGIN RSA PRIVATE KEY-----\n" + "MIIEowIBAAKCAQEA7V2Zq1p9c3kq8Lw0aXv5yQ4T1e2r3t4y5u6i7o8p9\n" * 2

#: (sql, [(line, column, piece of the message, severity)], the secret that must never be printed)
BAD = [
    (
        "create function f() returns void language plpgsql as $$\ndeclare k text := '"
        + SERVICE
        + "';\nbegin perform net.http_post('https://x', headers := jsonb_build_object('Authorization', "
        "'Bearer ' || k)); end $$;",
        [(2, 20, "a JWT with role service_role", "error")],
        SERVICE,
    ),
    ("select vault.create_secret('" + ANON + "', 'anon_key');", [(1, 8, "role anon", "warning")], ANON),
    ("select '" + OTHER + "';", [(1, 9, "a JWT is written", "error")], OTHER),
    # the Supabase CLI's local service_role key (chatbot-ui's storage triggers call storage with it)
    (
        "select '" + DEMO + "';",
        [(1, 9, "the Supabase CLI's local demo JWT with role service_role (public", "warning")],
        DEMO,
    ),
    (
        "-- migrate -database postgres://app:s3cr3tPa55@db.example.com:5432/app up\nselect 1;",
        [(1, 22, "a database password (app@db.example.com)", "error")],
        "s3cr3tPa55",
    ),
    (
        "-- postgres://postgres:03795@localhost:5432/market\nselect 1;",
        [(1, 4, "local database", "warning")],
        "03795",
    ),
    (
        "create server stripe_server foreign data wrapper stripe_wrapper options (api_key '"
        + STRIPE
        + "', api_url 'https://api.stripe.com/v1/');",
        [(1, 83, "a Stripe secret key (live mode)", "error")],
        STRIPE,
    ),
    (
        "select net.http_post('https://x', headers := '{\"Authorization\": \"Bearer "
        "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz\"}'::jsonb);",
        [(1, 66, "a bearer token", "error")],
        "N7UND0UgjKTVK",
    ),
    (
        "select 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';",
        [(1, 9, "a Supabase secret key", "error")],
        "N7UND0UgjKTVK",
    ),
    (
        "create server s3 foreign data wrapper s3_wrapper options (aws_access_key_id 'AKIAZ3MSJV4WWNKWW5FG', "
        "aws_secret_access_key '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');",
        [(1, 78, "an AWS access key id with its secret key", "error")],
        "wJalrXUtnFEMI",
    ),
    ("select $k$" + PEM + "-----END RSA PRIVATE KEY-----$k$;", [(1, 11, "a private key", "error")], "MIIEow"),
    (
        "select vault.create_secret('9f86d081884c7d659a2feaa0c55ad015', 'cron_token');",
        [(1, 8, "a literal value passed to vault.create_secret()", "error")],
        "9f86d081884c7d659a2feaa0c55ad015",
    ),
]

OK = [
    "select vault.create_secret('http://127.0.0.1:54321', 'project_url');",
    "select vault.create_secret(token_value, 'system_cron_secret');",
    "select vault.create_secret('<your-service-role-key>', 'service_role_key');",
    "select net.http_post('https://x', headers := jsonb_build_object('Authorization', 'Bearer ' || "
    "current_setting('app.service_role_key')));",
    "select 'Bearer ${SUPABASE_SERVICE_ROLE_KEY}';",
    "-- postgres://postgres:password@localhost:5432/postgres\nselect 1;",
    "-- postgres://user:${DB_PASSWORD}@db.example.com/app\nselect 1;",
    "-- postgres://postgres:[YOUR-PASSWORD]@db.abcdefghij.supabase.co:5432/postgres\nselect 1;",
    "select 'sk_live_xxxxxxxxxxxxxxxxxxxxxxxx';",
    "select 'sk_test_<your-stripe-secret-key>';",
    "select 'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';",
    "select 'AKIAZ3MSJV4WWNKWW5FG';",  # an id alone is not a credential
    "select 'eyJhbGciOi.notajwt.atall';",
    "select 'eyJub3RfYV9oZWFkZXIiOjF9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJlc2lnbmF0dXJl';",  # header has no alg
    "-- -----BEGIN PRIVATE KEY-----\n-- ...\nselect 1;",
    "create table users (email text check (email like '%@%'), jsonb_col jsonb);",
]


@pytest.mark.parametrize(("sql", "expected", "secret"), BAD)
def test_bad(check: Check, sql: str, expected: list[tuple[int, int, str, str]], secret: str) -> None:
    found = check(RULE, {"1_a.sql": sql})
    assert len(found) == len(expected)
    for f, (line, column, piece, severity) in zip(found, expected, strict=True):
        assert (f.location.line, f.location.column, f.severity.value) == (line, column, severity)
        assert piece in f.message
        assert f"1_a.sql:{line}:{column}" in f.message
        assert secret not in f.message and secret not in f.help
        assert "rotate" in f.help and "clean set" in f.help


@pytest.mark.parametrize(
    "key",
    [
        "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
        "rk_test_" + "abcdefghkmnopqrs1234",
        "sb_secret_" + "abcdefgh12345678",
    ],
)
def test_key_in_a_file_without_the_cheap_characters(check: Check, key: str) -> None:
    """The first look does not rely on a random key holding some character: a key in a file with no
    ``J``, ``Z``, ``@`` or ``/`` anywhere is still found."""
    sql = "select set_config('app.key', '" + key + "', false);"
    assert not any(c in sql for c in "JZ@/")
    found = check(RULE, {"1_a.sql": sql})
    assert len(found) == 1 and key not in found[0].message


@pytest.mark.parametrize("sql", OK)
def test_ok(check: Check, sql: str) -> None:
    assert check(RULE, {"1_a.sql": sql}) == []


def test_down_part_and_ignore_comment(check: Check) -> None:
    goose = f"-- +goose Up\nselect 1;\n-- +goose Down\nselect '{SERVICE}';\n"
    found = check(RULE, {"00001_a.sql": goose})
    assert [(f.location.line, f.location.column) for f in found] == [(4, 9)]
    silenced = f"-- pgconsolidate: ignore hardcoded-secret\nselect '{SERVICE}';\n"
    assert check(RULE, {"1_a.sql": silenced}) == []


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_outputs_never_print_the_secret(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    root = write_dir(tmp_path / "m", {"1_a.sql": f"select vault.create_secret('{SERVICE}', 'k');\n"})
    assert run(["analyze", str(root), "--select", RULE, "--format", fmt]) == 1
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "role service_role" in output
    assert SERVICE.split(".")[1] not in output and SIG not in output


def test_example() -> None:
    assert analyze_directory(EXAMPLE_MIGRATIONS, select=[RULE]).findings == ()
