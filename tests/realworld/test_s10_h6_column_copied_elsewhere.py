"""Found on a Supabase project that moved a ranking from one table to another: the file adds
``translation.featured``, copies the values with ``UPDATE public.translation t SET featured = j.featured
FROM public.jargon j WHERE ...``, then drops ``jargon.featured``. ``destructive-change`` said the DROP
COLUMN deletes the value in every row: the values were copied first, by an UPDATE of another table that
reads the dropped column in its FROM list; such a copy now counts like ``UPDATE t SET new = old``."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.report.analyze import analyze_directory

from .helpers import migrations

FIRST = (
    "create table public.jargon (id uuid primary key, featured integer);\n"
    "create table public.translation (id uuid primary key, jargon_id uuid references public.jargon);\n"
)


def _messages(tmp_path: Path, move: str) -> list[str]:
    d = migrations(tmp_path, {"001_tables.sql": FIRST, "002_move.sql": move})
    report = analyze_directory(d, select=["destructive-change"])
    return [f.message for f in report.findings if f.rule == "destructive-change"]


def test_copied_through_another_tables_update(tmp_path: Path) -> None:
    move = (
        "alter table public.translation add column featured integer;\n"
        "update public.translation t set featured = j.featured\n"
        "from public.jargon j where t.jargon_id = j.id;\n"
        "alter table public.jargon drop column featured;\n"
    )
    assert _messages(tmp_path, move) == []


def test_update_reading_another_column_still_reported(tmp_path: Path) -> None:
    move = (
        "alter table public.translation add column featured integer;\n"
        "update public.translation t set featured = 1 from public.jargon j where t.jargon_id = j.id;\n"
        "alter table public.jargon drop column featured;\n"
    )
    (message,) = _messages(tmp_path, move)
    assert message.startswith("DROP COLUMN public.jargon.featured deletes the column")
