"""``supabase db diff`` writes keys as ``CREATE UNIQUE INDEX x_pkey ...`` then ``ALTER TABLE ... ADD
CONSTRAINT x_pkey PRIMARY KEY USING INDEX x_pkey``. The model took the constraint for a new index without
columns: every such table was reported without a primary key, and its key's index no longer covered the
foreign keys it covers."""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.cli import run


def test_keys_added_using_an_index(tmp_path: Path, capsys) -> None:
    d = tmp_path / "supabase" / "migrations"
    d.mkdir(parents=True)
    (d / "20240101000000_diff.sql").write_text(
        "CREATE TABLE public.boards (id uuid NOT NULL, title text);\n"
        "CREATE TABLE public.pins (board_id uuid NOT NULL, note_id uuid NOT NULL, code text);\n"
        "CREATE UNIQUE INDEX boards_pkey ON public.boards USING btree (id);\n"
        "CREATE UNIQUE INDEX pins_pkey ON public.pins USING btree (board_id, note_id);\n"
        "CREATE UNIQUE INDEX pins_code_key ON public.pins USING btree (code);\n"
        'ALTER TABLE "public"."boards" ADD CONSTRAINT "boards_pkey" PRIMARY KEY USING INDEX "boards_pkey";\n'
        'ALTER TABLE "public"."pins" ADD CONSTRAINT "pins_pkey" PRIMARY KEY USING INDEX "pins_pkey";\n'
        'ALTER TABLE "public"."pins" ADD CONSTRAINT "pins_code_key" UNIQUE USING INDEX "pins_code_key";\n'
        'ALTER TABLE "public"."pins" ADD CONSTRAINT "pins_board_id_fkey" FOREIGN KEY (board_id)\n'
        "  REFERENCES public.boards (id) NOT VALID;\n"
        'ALTER TABLE "public"."boards" ENABLE ROW LEVEL SECURITY;\n'
        'ALTER TABLE "public"."pins" ENABLE ROW LEVEL SECURITY;\n'
    )
    run(["analyze", str(d), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    rules = {f["rule"] for f in doc["findings"]}
    assert "table-without-primary-key" not in rules
    assert "unindexed-foreign-key" not in rules
    # a table that really has no key is still reported
    (d / "20240102000000_more.sql").write_text("CREATE TABLE public.loose (id uuid);\n")
    run(["analyze", str(d), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    keyless = [f["objects"] for f in doc["findings"] if f["rule"] == "table-without-primary-key"]
    assert keyless == [["public.loose"]]
