"""Reproductions from real migration directories: merges the plan proposes must be ones the fix can run.

Found on public Supabase / goose directories: two content tables similar enough to be proposed as a merge
while a policy of a third table reads the source (``DROP TABLE`` refused: the consolidation failed), and a
child table proposed as a merge into its own parent (``comments`` into ``posts``).
"""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.cli import run

_COLS = "id bigint PRIMARY KEY, slug text NOT NULL, title text, body text, created_at timestamptz"


def _policy_dir(tmp_path: Path) -> Path:
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "001_content.sql").write_text(
        f"CREATE TABLE public.guides ({_COLS}, author text);\n"
        f"CREATE TABLE public.guides_v2 ({_COLS}, level int);\n"
        "CREATE TABLE public.guide_tags (guide_id bigint, tag text);\n"
        "ALTER TABLE public.guide_tags ENABLE ROW LEVEL SECURITY;\n"
        "CREATE POLICY read_tags ON public.guide_tags FOR SELECT\n"
        "  USING (EXISTS (SELECT 1 FROM public.guides_v2 h WHERE h.id = guide_id));\n"
    )
    return d


def test_source_read_by_a_policy_of_another_table_is_kept(tmp_path: Path, capsys) -> None:
    d = _policy_dir(tmp_path)
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    text = plan.read_text()
    merge = text[text.index("[[merge]]") :]
    assert "drop_source = false" in merge
    assert "public.guide_tags.read_tags" in merge
    # dropping it anyway is refused by the check (DROP TABLE would fail on the policy)
    edited = tmp_path / "edited.toml"
    edited.write_text(text.replace("drop_source = false", "drop_source = true"))
    capsys.readouterr()
    assert run(["plan", "--check", str(edited)]) == 1
    assert "public.guide_tags.read_tags" in capsys.readouterr().out
    # the proposed plan consolidates and is proved (it failed: "cannot drop table ... depend on it")
    assert run(["consolidate", str(d), "--plan", str(plan), "--out", str(out)]) == 0
    manifest = json.loads((out / "pgconsolidate-output.json").read_text())
    assert manifest["summary"]["sources_kept"]


def test_a_view_reading_the_source_keeps_it(tmp_path: Path) -> None:
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "001.sql").write_text(
        f"CREATE TABLE public.guides ({_COLS}, author text);\n"
        f"CREATE TABLE public.guides_v2 ({_COLS}, level int);\n"
        "CREATE VIEW public.recent_guides AS SELECT id, title FROM public.guides_v2;\n"
    )
    plan = tmp_path / "p.toml"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    merge = plan.read_text()[plan.read_text().index("[[merge]]") :]
    assert "public.recent_guides" in merge and "drop_source = false" in merge


def test_parent_and_child_are_not_merged(tmp_path: Path, capsys) -> None:
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "001_threads.sql").write_text(
        # alike beyond bookkeeping (body, title, tags, score), as similar-tables needs to report them
        "CREATE TABLE threads (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), body text NOT NULL,\n"
        "  title text, tags text[], score int,\n"
        "  author uuid NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\n"
    )
    (d / "002_replies.sql").write_text(
        "CREATE TABLE replies (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), body text NOT NULL,\n"
        "  title text, tags text[], score int,\n"
        "  author uuid NOT NULL, thread_id uuid NOT NULL REFERENCES threads(id),\n"
        "  created_at timestamptz NOT NULL DEFAULT now());\n"
    )
    plan = tmp_path / "p.toml"
    assert run(["plan", str(d), "-o", str(plan), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["merges"] == 0
    (skipped,) = doc["not_merged"]
    assert {skipped["source"], skipped["target"]} == {"public.replies", "public.threads"}
    linked = "a foreign key links them (public.replies(thread_id) -> public.threads)"
    assert skipped["reason"].startswith(linked)
