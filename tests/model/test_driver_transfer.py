"""What a helper ships (statements, effects and details as rows) arrives as the same records: equal, of
the same classes, with their text restored, trees kept only when asked, and a PL/pgSQL routine's lazy
references pointing at this process's statement."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from pgconsolidate.analysis import driver
from pgconsolidate.analysis.transfer import encode
from pgconsolidate.model.types import NO_REFS, FunctionDef, InsertDef

SQL = """\
create table public.t (id bigint primary key, rows int default 0, body text not null);
insert into public.t (id, rows, body) values (1, 2, 'x'), (2, 3, 'y');
create function public.f(a int) returns int language plpgsql as $$
begin
  return (select count(*) from public.t where id = a);
end $$;
comment on table public.t is 'things';
grant select on public.t to anon;
alter table public.t alter column body set default 'z';
"""


def _jobs(keep_trees: bool) -> list[tuple[str, str, int, bool]]:
    return [("a.sql", SQL, 1, keep_trees), ("b.sql", "create index i on public.t (rows);\n", 3, keep_trees)]


@pytest.mark.parametrize("keep_trees", [False, True])
def test_shipped_results_arrive_as_the_same_records(keep_trees: bool) -> None:
    jobs = _jobs(keep_trees)
    expected = [driver._one(j) for j in jobs]
    data = pickle.dumps(driver._shipped(jobs), protocol=pickle.HIGHEST_PROTOCOL)
    assert b"if_not_exists" not in data and b"public.t (id bigint" not in data  # no field names, no text
    got = driver._received(pickle.loads(data), jobs)
    assert len(got) == len(expected)
    for (fs, effects), (want_fs, want_effects) in zip(got, expected, strict=True):
        # lazy references first: comparing effects computes them
        for e in effects:
            if isinstance(e.detail, FunctionDef):
                args = e.detail.refs.__getstate__()[1]
                assert args and any(args[0] is st for st in fs.statements)
        assert fs == want_fs and effects == want_effects
        assert [type(e.detail) for e in effects] == [type(e.detail) for e in want_effects]
        assert [st.text for st in fs.statements] == [st.text for st in want_fs.statements]
        assert [st.node for st in fs.statements] == [st.node for st in want_fs.statements]
        assert all(bool(st.node) is keep_trees for st in fs.statements)
        assert [e.ref for e in effects] == [e.ref for e in want_effects]
    inserts = [e.detail for _, effs in got for e in effs if isinstance(e.detail, InsertDef)]
    assert inserts and inserts[0].rows == 2  # a field named like the decoder's own variables
    routine = next(e.detail for _, effs in got for e in effs if isinstance(e.detail, FunctionDef))
    assert "public.t" in routine.uses and not routine.dynamic_sql


def test_routine_references_arrive_pointing_at_this_process_statement() -> None:
    jobs = _jobs(False)
    got = driver._received(pickle.loads(pickle.dumps(driver._shipped(jobs))), jobs)
    statements = {id(st) for fs, _ in got for st in fs.statements}
    routines = [e.detail for _, effects in got for e in effects if isinstance(e.detail, FunctionDef)]
    assert routines
    for fdef in routines:
        compute, args, value = fdef.refs.__getstate__()
        assert compute is not None and value is None and id(args[0]) in statements


def test_a_class_as_detail_is_refused_so_the_chunk_is_computed_here() -> None:
    fs, effects = driver._one(_jobs(False)[1])
    odd = dataclasses.replace(effects[0], detail=int)
    with pytest.raises(TypeError):
        encode([(fs, (odd,))], keep_trees=False)


ROUTINES = """\
create function public.g(a int, b text default 'x', variadic c int[] default '{}') returns int
language sql as $$ select a $$;
create function public.h() returns int language sql return 1;
create function public.k() returns void language c as 'lib', 'k';
create procedure public.p(inout n int) language plpgsql as $$ begin n := n + 1; end $$;
create table public.u (id int);
alter table public.u add column v int, add column w int;
"""


def test_sources_arguments_and_references_travel_flat_and_arrive_alike() -> None:
    jobs = [("r.sql", ROUTINES, 1, False), *_jobs(False)]
    expected = [driver._one(j) for j in jobs]
    encoded = driver._shipped(jobs)
    data = pickle.dumps(encoded, protocol=pickle.HIGHEST_PROTOCOL)
    for name in (b"SourceRef", b"ArgDef", b"RoutineRefs"):
        assert name not in data  # no record of these classes is pickled
    got = driver._received(pickle.loads(data), jobs)
    for (fs, effects), (want_fs, want_effects) in zip(got, expected, strict=True):
        assert fs == want_fs and effects == want_effects
        # a statement's effects share one source, as they did in the helper
        by_statement: dict[int, list[int]] = {}
        for e in want_effects:
            by_statement.setdefault(e.ref.statement_index, []).append(id(e.ref))
        got_by_statement: dict[int, set[int]] = {}
        for e in effects:
            got_by_statement.setdefault(e.ref.statement_index, set()).add(id(e.ref))
        assert {k: len(set(v)) for k, v in by_statement.items()} == {
            k: len(v) for k, v in got_by_statement.items()
        }
    routines = {e.id: e.detail for _, effs in got for e in effs if isinstance(e.detail, FunctionDef)}
    wanted = {e.id: e.detail for _, effs in expected for e in effs if isinstance(e.detail, FunctionDef)}
    assert routines.keys() == wanted.keys() and len(routines) == 5
    for key, fdef in routines.items():
        assert fdef.args == wanted[key].args and type(fdef.args) is tuple
        assert fdef.uses == wanted[key].uses and fdef.dynamic_sql == wanted[key].dynamic_sql
    assert routines["public.k()"].refs is NO_REFS  # the shared empty references stay shared
    assert [a.name for a in routines["public.g(integer, text, integer[])"].args] == ["a", "b", "c"]


def test_an_effect_source_that_is_not_a_source_is_refused() -> None:
    fs, effects = driver._one(_jobs(False)[1])
    odd = dataclasses.replace(effects[0], ref=None)
    with pytest.raises(TypeError):
        encode([(fs, (odd,))], keep_trees=False)
