"""``ExtractorBase.run_each`` is the one statement loop: ``file_effects`` and ``run`` go through it.

- ``run`` raises what a handler raises (a nested statement's failure belongs to the statement around it);
- ``file_effects`` replaces only the failing statement's effects with an ``unmodelled`` one;
- ``run`` per statement gives what ``file_effects`` gives for the whole file, search_path included.
"""

from __future__ import annotations

import pytest

from pgconsolidate.model.effects import _Extractor, _unmodelled, file_effects
from pgconsolidate.model.extract.common import FileContext
from pgconsolidate.statements.split import split_sql

_SQL = (
    "SET search_path = app, public;\n"
    "CREATE TABLE t (id bigint PRIMARY KEY);\n"
    "CREATE POLICY p ON t FOR SELECT TO authenticated USING (id > 0);\n"
    "GRANT SELECT ON t TO anon;\n"
)


def test_run_per_statement_matches_file_effects() -> None:
    fs = split_sql("f.sql", _SQL)
    ex = _Extractor(FileContext("f.sql"))
    one_by_one = [e for st in fs.statements for e in ex.run(st)]
    assert one_by_one == file_effects(fs.statements, "f.sql")
    assert any(e.id == "app.t" for e in one_by_one)


def test_run_raises_and_file_effects_isolates_the_failure() -> None:
    statements = list(split_sql("f.sql", _SQL).statements)
    object.__setattr__(statements[2], "node", {"CreatePolicyStmt": {"table": 5}})
    with pytest.raises(Exception):  # noqa: B017 (whatever the handler raises)
        _Extractor(FileContext("f.sql")).run(statements[2])
    effects = file_effects(statements, "f.sql")
    assert [e.id for e in effects if e.ref.statement_index == 2] == ["unmodelled"]
    assert [e for e in effects if e.ref.statement_index == 2] == _unmodelled(statements[2])
    # the statements after it still resolve names with the file's search_path
    assert any(e.ref.statement_index == 3 and "app.t" in e.id for e in effects)
