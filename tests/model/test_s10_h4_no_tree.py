"""``file_effects(..., no_tree=X)`` drops each statement's parse tree as soon as it is read: the same
effects as without, every statement's ``node`` is then ``X``, and a failing statement is still
``unmodelled`` (its tree dropped too)."""

from __future__ import annotations

from typing import Any

from pgconsolidate.model.effects import file_effects
from pgconsolidate.statements.split import split_sql

_SQL = (
    "SET search_path = app, public;\n"
    "CREATE TABLE t (id bigint PRIMARY KEY, note text DEFAULT 'x');\n"
    "CREATE POLICY p ON t FOR SELECT TO authenticated USING (id > 0);\n"
    "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;\n"
    "GRANT SELECT ON t TO anon;\n"
)


def test_no_tree_gives_the_same_effects_and_drops_every_tree() -> None:
    kept = split_sql("f.sql", _SQL).statements
    dropped = split_sql("f.sql", _SQL).statements
    empty: dict[str, Any] = {}
    without = file_effects(dropped, "f.sql", no_tree=empty)
    with_trees = file_effects(kept, "f.sql")
    assert without == with_trees
    assert all(st.node is empty for st in dropped)
    assert all(st.node for st in kept)  # without no_tree the trees stay
    # the routine's references, read later from its statement, are the same without its tree
    (fn,) = [e for e in without if e.kind.value == "function"]
    (fk,) = [e for e in with_trees if e.kind.value == "function"]
    assert fn.detail.uses == fk.detail.uses


def test_no_tree_with_a_failing_statement() -> None:
    statements = list(split_sql("f.sql", _SQL).statements)
    object.__setattr__(statements[2], "node", {"CreatePolicyStmt": {"table": 5}})
    empty: dict[str, Any] = {}
    effects = file_effects(statements, "f.sql", no_tree=empty)
    assert [e.id for e in effects if e.ref.statement_index == 2] == ["unmodelled"]
    assert any(e.ref.statement_index == 4 and e.id == "app.t" for e in effects)
    assert all(st.node is empty for st in statements)
