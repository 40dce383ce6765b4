"""A CHECK ``IN (...)`` on a varchar column prints differently once replayed from its own printout; the proof
must not call that a difference (found on a goose directory: "NOT verified" on an unchanged constraint)."""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.cli import run
from pgconsolidate.compare.diff import same_expression_text

from .helpers import consolidated, migrations

_DUMPED = "CHECK (((kind)::text = ANY ((ARRAY['a'::character varying, 'b, c'::character varying])::text[])))"
_PRETTY = "CHECK (kind::text = ANY (ARRAY['a'::character varying, 'b, c'::character varying]::text[]))"
_REPLAYED = "CHECK (kind::text = ANY (ARRAY['a'::character varying::text, 'b, c'::character varying::text]))"


def test_array_cast_on_the_array_or_its_elements_is_the_same() -> None:
    assert same_expression_text(_PRETTY, _REPLAYED)
    # the unprettied spelling wraps the array in parentheses before the cast
    dumped_replayed = (
        "CHECK (((kind)::text = ANY (ARRAY['a'::character varying::text, 'b, c'::character varying::text])))"
    )
    assert same_expression_text(_DUMPED, dumped_replayed)
    assert same_expression_text(_PRETTY, _REPLAYED.replace("'b, c'", "'b, d'")) is False
    assert same_expression_text(_PRETTY, _PRETTY.replace("::text[]", "::name[]")) is False
    assert same_expression_text("x", 1) is False


def test_varchar_in_list_check_is_proved(tmp_path: Path) -> None:
    d = migrations(
        tmp_path,
        {
            "20240101000000_t.sql": (
                "CREATE TABLE items (id bigint PRIMARY KEY,\n"
                "  kind varchar NOT NULL CHECK (kind IN ('small', 'large', 'it''s, odd')));\n"
            )
        },
    )
    out = consolidated(tmp_path, d)
    assert run(["verify", str(out), "--format", "json"]) == 0
    assert json.loads((out / "pgconsolidate-output.json").read_text())["verified"] is True
