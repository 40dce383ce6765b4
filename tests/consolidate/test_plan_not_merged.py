"""The plan names every similar pair it does not merge, with the reason, and merges small near-copies."""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.cli import run
from pgconsolidate.plan.toml_read import read_plan

V1 = """
CREATE TABLE clients (id uuid PRIMARY KEY, name text, email text, phone text, created_at timestamptz);
CREATE TABLE customers (id bigint PRIMARY KEY, name text, email text, phone text, created_at timestamptz);
CREATE TABLE teams (id bigint PRIMARY KEY, name text);
CREATE TABLE members (id bigint PRIMARY KEY, team_id bigint REFERENCES teams (id), user_id uuid, role text);
"""
V2 = """
CREATE TABLE team_members (id bigint PRIMARY KEY, team_id bigint REFERENCES teams (id), user_id uuid,
                           role text);
CREATE TABLE notes (id bigint PRIMARY KEY, title text, body text, author text, created_at timestamptz);
CREATE TABLE notes_v2 (id bigint PRIMARY KEY, title text, body text, author text, created_at timestamptz,
                       tenant_id bigint NOT NULL);
CREATE TABLE note_links (id bigint PRIMARY KEY, note_id bigint REFERENCES notes_v2 (id), url text);
"""


def _plan_json(tmp_path: Path, capsys, sql: str) -> dict:
    """``plan --format json`` of a one-file Supabase directory holding ``sql`` (plan written to p.toml)."""
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "20240101000000_events.sql").write_text(sql)
    assert run(["plan", str(d), "-o", str(tmp_path / "p.toml"), "--format", "json"]) == 0
    doc: dict = json.loads(capsys.readouterr().out)
    return doc


def _flyway(tmp_path: Path) -> Path:
    d = tmp_path / "sql"
    d.mkdir()
    (d / "V1__clients.sql").write_text(V1)
    (d / "V2__members.sql").write_text(V2)
    return d


def test_pairs_not_merged_are_listed_with_their_reason(tmp_path: Path, capsys) -> None:
    d = _flyway(tmp_path)
    plan_path = tmp_path / "plan.toml"
    assert run(["plan", str(d), "-o", str(plan_path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema_version"] == 1
    # the small near-copy is merged (team_members has the same columns as members)
    assert doc["merges"] == 1
    plan, problems = read_plan(plan_path.read_text(), str(plan_path))
    assert not problems
    assert [(m.source, m.target) for m in plan.merges] in (
        [("public.team_members", "public.members")],
        [("public.members", "public.team_members")],
    )
    reasons = {frozenset((n["source"], n["target"])): n for n in doc["not_merged"]}
    clients = reasons[frozenset(("public.clients", "public.customers"))]
    assert (
        "key mismatch" in clients["reason"] and "uuid" in clients["reason"] and "bigint" in clients["reason"]
    )
    assert clients["reported_by_analyze"] is True
    notes = reasons[frozenset(("public.notes", "public.notes_v2"))]
    assert notes["target"] == "public.notes_v2"  # note_links points at it
    assert "rows would be lost" in notes["reason"] and "public.notes_v2.tenant_id" in notes["reason"]
    assert len(reasons) == 2
    # the TOML says it too, with a commented-out [[merge]] to start from; the plan still checks clean
    text = plan_path.read_text()
    assert "# Similar tables NOT merged" in text
    assert "# public.clients ~ public.customers (similarity" in text or (
        "# public.customers ~ public.clients (similarity" in text
    )
    assert '# source = "public.notes"' in text and '# target = "public.notes_v2"' in text
    assert run(["plan", "--check", str(plan_path), str(d)]) == 0
    capsys.readouterr()


def test_text_output_lists_the_pairs(tmp_path: Path, capsys) -> None:
    d = _flyway(tmp_path)
    assert run(["plan", str(d), "-o", str(tmp_path / "p.toml")]) == 0
    text = capsys.readouterr().out
    assert "2 similar pair(s) not merged" in text
    assert "not merged: key mismatch" in text and "not merged: rows would be lost" in text


def test_partitions_and_inheriting_tables_are_never_merged(tmp_path: Path, capsys) -> None:
    """A partition holds its parent's rows: merging it into the parent (and dropping it) would lose them."""
    doc = _plan_json(
        tmp_path,
        capsys,
        "CREATE TABLE public.events (id bigint, user_id uuid, kind text, payload jsonb, at date NOT NULL,\n"
        "  PRIMARY KEY (id, at)) PARTITION BY RANGE (at);\n"
        "CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO "
        "('2025-01-01');\n"
        "CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO "
        "('2026-01-01');\n"
        "CREATE TABLE public.logs (id bigint PRIMARY KEY, message text, level text, origin text);\n"
        "CREATE TABLE public.logs_old () INHERITS (public.logs);\n"
        # made as a table of its own, attached later: a partition too, for analyze as for the catalog
        "CREATE TABLE public.events_2026 (id bigint NOT NULL, user_id uuid, kind text, payload jsonb,\n"
        "  at date NOT NULL);\n"
        "ALTER TABLE public.events ATTACH PARTITION public.events_2026 FOR VALUES FROM ('2026-01-01') TO "
        "('2027-01-01');\n",
    )
    assert doc["merges"] == 0
    pairs = {frozenset((n["source"], n["target"])): n["reason"] for n in doc["not_merged"]}
    family = ("public.events_2024", "public.events_2025", "public.events_2026", "public.logs_old")
    assert not any(t in p for p in pairs for t in family), pairs
    assert '# source = "public.events_2026"' not in (tmp_path / "p.toml").read_text()


def test_a_partition_attached_by_dynamic_sql_is_explained_from_the_catalog(tmp_path: Path, capsys) -> None:
    """analyze cannot see an ATTACH run by EXECUTE and reports twins; the plan, reading the replayed
    catalog, says why it does not merge them."""
    doc = _plan_json(
        tmp_path,
        capsys,
        "CREATE TABLE public.events (id bigint, user_id uuid, kind text, payload jsonb, at date NOT NULL,\n"
        "  PRIMARY KEY (id, at)) PARTITION BY RANGE (at);\n"
        "CREATE TABLE public.events_2026 (id bigint NOT NULL, user_id uuid, kind text, payload jsonb,\n"
        "  at date NOT NULL);\n"
        "DO $$ BEGIN EXECUTE format('ALTER TABLE public.events ATTACH PARTITION %s FOR VALUES FROM (%L) TO "
        "(%L)', 'public.events_2026', '2026-01-01', '2027-01-01'); END $$;\n",
    )
    assert doc["merges"] == 0
    reasons = [n["reason"] for n in doc["not_merged"] if "public.events_2026" in (n["source"], n["target"])]
    assert reasons and all("is a partition of public.events" in r for r in reasons), doc["not_merged"]


def test_report_lists_pairs_not_merged_and_merges_edited_out(tmp_path: Path, capsys) -> None:
    from dataclasses import replace

    from pgconsolidate.plan.toml_write import write_plan

    d = _flyway(tmp_path)
    plan_path = tmp_path / "plan.toml"
    assert run(["plan", str(d), "-o", str(plan_path)]) == 0
    plan, _ = read_plan(plan_path.read_text(), str(plan_path))
    assert len(plan.merges) == 1
    edited = tmp_path / "edited.toml"
    edited.write_text(write_plan(replace(plan, merges=())))  # the user takes the proposed merge out
    assert run(["consolidate", str(d), "--plan", str(edited), "--out", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    report = (tmp_path / "out" / "REPORT.md").read_text()
    section = report.split("## Similar tables not merged", 1)[1].split("\n## ", 1)[0]
    assert "not merged: key mismatch" in section
    assert "not merged: rows would be lost" in section
    assert "members: not merged: the proposal merged them, this plan does not (edited out)" in section


def test_a_completed_draft_passes_the_check(tmp_path: Path, capsys) -> None:
    """The commented [[merge]] of a pair not merged, uncommented and completed, is a valid plan entry."""
    d = _flyway(tmp_path)
    plan_path = tmp_path / "plan.toml"
    assert run(["plan", str(d), "-o", str(plan_path)]) == 0
    text = plan_path.read_text()
    start = text.index('# [[merge]]\n# source = "public.notes"')
    end = text.index("\n\n", start)
    draft = "\n".join(line[2:] for line in text[start:end].splitlines())
    edited = tmp_path / "edited.toml"
    edited.write_text(text[:start] + draft + "\n" + text[end:])
    assert run(["plan", "--check", str(edited), str(d)]) == 1  # tenant_id is still unfilled
    assert "NOT NULL" in capsys.readouterr().out
    completed = draft + '\n[[merge.column]]\ntarget = "tenant_id"\nexpr = "1"'
    edited.write_text(text[:start] + completed + "\n" + text[end:])
    assert run(["plan", "--check", str(edited), str(d)]) == 0
    plan, _ = read_plan(edited.read_text(), str(edited))
    assert {(m.source, m.target) for m in plan.merges} >= {("public.notes", "public.notes_v2")}


def test_tables_sharing_one_distinctive_column_are_not_merged(tmp_path: Path, capsys) -> None:
    """tags and categories (id, name, created_at, updated_at) score 1.0, but are not twins: the plan used
    to merge categories into tags, which analyze never reported."""
    d = tmp_path / "migrations"
    d.mkdir()
    cols = "id bigserial PRIMARY KEY, name text NOT NULL, created_at timestamptz, updated_at timestamptz"
    (d / "20240101000000_init.sql").write_text(
        f"CREATE TABLE public.tags ({cols});\nCREATE TABLE public.categories ({cols});\n"
    )
    assert run(["plan", str(d), "-o", str(tmp_path / "p.toml"), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["merges"] == 0 and doc["not_merged"] == []


ARTICLE_COLUMNS = (
    "id uuid PRIMARY KEY DEFAULT gen_random_uuid(), slug text NOT NULL, title text NOT NULL, excerpt text,"
    " body text, status text, tags text[], published_at timestamptz, created_at timestamptz"
)


def test_tables_with_unrelated_names_are_not_merged_actively(tmp_path: Path, capsys) -> None:
    """articles and resources have the same columns but name different things: the plan lists the pair
    with the reason and a commented [[merge]] to start from, in JSON, text, TOML and REPORT.md."""
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "20240101000000_init.sql").write_text(
        f"CREATE TABLE public.articles ({ARTICLE_COLUMNS}, author text);\n"
        f"CREATE TABLE public.resources ({ARTICLE_COLUMNS}, link text);\n"
    )
    plan_path = tmp_path / "p.toml"
    assert run(["plan", str(d), "-o", str(plan_path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["merges"] == 0
    [pair] = doc["not_merged"]
    assert {pair["source"], pair["target"]} == {"public.articles", "public.resources"}
    assert pair["reason"] == "names unrelated: merge by hand if they hold the same thing"
    assert pair["reported_by_analyze"] is True  # analyze still reports them similar
    text = plan_path.read_text()
    assert "# [[merge]]" in text and f'# source = "{pair["source"]}"' in text
    plan, problems = read_plan(text, str(plan_path))
    assert not problems and plan.merges == ()
    assert run(["plan", str(d), "-o", str(tmp_path / "p2.toml")]) == 0
    assert "not merged: names unrelated: merge by hand" in capsys.readouterr().out
    assert run(["consolidate", str(d), "--plan", str(plan_path), "--out", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    report = (tmp_path / "out" / "REPORT.md").read_text()
    section = report.split("## Similar tables not merged", 1)[1].split("\n## ", 1)[0]
    assert "names unrelated: merge by hand if they hold the same thing" in section


def test_identical_copies_with_unrelated_names_are_merged(tmp_path: Path, capsys) -> None:
    """The same key and the same column names and types: a copy, whatever its name."""
    doc = _plan_json(
        tmp_path,
        capsys,
        f"CREATE TABLE public.articles ({ARTICLE_COLUMNS});\n"
        f"CREATE TABLE public.resources ({ARTICLE_COLUMNS});\n",
    )
    assert doc["merges"] == 1 and doc["not_merged"] == []
