"""The analysis driver on odd directories (never a crash) and its parallel path (same result)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import pgconsolidate.analysis.driver as driver
from pgconsolidate.analysis import analyze_dir, analyze_files
from pgconsolidate.errors import InputError
from pgconsolidate.model.types import Action
from pgconsolidate.sources.reader import read_dir
from pgconsolidate.statements.split import split_sql


def _corpus(root: Path, files: int) -> None:
    for i in range(files):
        ref = f", p bigint references t{i - 1} (id)" if i else ""
        (root / f"{1000 + i}_step.sql").write_text(
            f"create table t{i} (id bigint primary key, e vector(3){ref});\n"
            f"create index on t{i} (e);\nalter table t{i} enable row level security;\n"
            f"create policy p on t{i} using (true);\n"
            f"create or replace function f{i}(x int) returns int language plpgsql as $$ begin"
            f" return (select count(*) from t{i}); end $$;\n"
            + (f"alter table t{i - 1} rename to r{i - 1};\n" if i % 7 == 0 and i else "")
        )


def test_bad_inputs_never_crash(tmp_path: Path) -> None:
    (tmp_path / "001_ok.sql").write_text("create table a (x int);")
    (tmp_path / "002_latin1.sql").write_bytes(b"create table b (c text default 'caf\xe9');")
    (tmp_path / "003_nul.sql").write_bytes(b"create table c (x int);\x00")
    (tmp_path / "004_empty.sql").write_text("")
    (tmp_path / "005_dollar.sql").write_text(
        "create table d (x int);\ncreate function f() returns int as $$ select"
    )
    (tmp_path / "006_loop.sql").symlink_to(tmp_path / "006_loop.sql")
    (tmp_path / "007_syntax.sql").write_text("create tabel oops (x int);\ncreate table e (x int);")
    big = "/* " + ("x" * 79 + "\n") * 650_000 + " */\ninsert into a values (1);\n"  # ~52 MB
    (tmp_path / "008_big.sql").write_text(big)
    unreadable = tmp_path / "009_secret.sql"
    unreadable.write_text("create table s (x int);")
    unreadable.chmod(0)
    try:
        analysis = analyze_dir(read_dir(tmp_path))
    finally:
        unreadable.chmod(0o644)
    schema = analysis.schema
    assert schema.exists("public.a") and schema.exists("public.e")
    assert schema.exists("public.d")  # statements before the unterminated dollar quote are kept
    failures = {f.file for fs in analysis.files for f in fs.failures}
    assert {"005_dollar.sql", "007_syntax.sql"} <= failures
    inserts = [e for e in analysis.all_effects() if e.action == Action.INSERT]
    assert [e.ref.file for e in inserts] == ["008_big.sql"]
    assert inserts[0].ref.line == 650_002


def test_empty_and_missing_directories(tmp_path: Path) -> None:
    analysis = analyze_dir(read_dir(tmp_path))
    assert analysis.files == () and dict(analysis.schema.objects) == {}
    with pytest.raises(InputError):
        read_dir(tmp_path / "missing")


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs 2 cores")
def test_parallel_path_gives_the_same_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _corpus(tmp_path, 60)
    mdir = read_dir(tmp_path)
    serial = analyze_dir(mdir, workers=1)
    monkeypatch.setattr(driver, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(driver, "CHUNK_BYTES", 1)
    parallel = analyze_dir(mdir, workers=2)
    assert [fs.file for fs in parallel.files] == [f.path for f in mdir.files]
    assert parallel.schema.objects == serial.schema.objects
    assert [fe.effects for fe in parallel.effects] == [fe.effects for fe in serial.effects]
    assert all(st.node for fs in parallel.files for st in fs.statements)
    slim = analyze_dir(mdir, workers=2, keep_trees=False)
    assert slim.schema.objects == serial.schema.objects
    # statements come back from workers without their text: it is restored from the files' text
    assert parallel.files == serial.files and slim.files == serial.files
    assert all(st.text == st.text.strip() and st.text for fs in slim.files for st in fs.statements)
    # routine body references are computed lazily, after the text is back
    uses = {s.id: s.detail.uses for s in slim.schema.functions()}
    assert uses["public.f59(integer)"] == ("public.count(*)", "public.t59")
    assert uses == {s.id: s.detail.uses for s in serial.schema.functions()}
    assert not any(st.node for fs in slim.files for st in fs.statements)
    assert serial.schema.exists("public.r6") and not serial.schema.exists("public.t6")
    assert (
        serial.schema.exists("public.r6.id")
        and serial.schema.get("public.t7.t7_p_fkey").detail.ref_table == "public.r6"
    )  # type: ignore[union-attr]


def test_analyze_files_matches_analyze_dir(tmp_path: Path) -> None:
    _corpus(tmp_path, 5)
    mdir = read_dir(tmp_path)
    files = [split_sql(f.path, f.forward_sql, first_line=f.span_line) for f in mdir.files]
    assert analyze_files(mdir, files).schema.objects == analyze_dir(mdir).schema.objects
