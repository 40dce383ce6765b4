"""Facts about a database that the catalog snapshot does not hold, as frozen data (pure).

Read by :mod:`pgconsolidate.verify.facts` (the I/O side): the dimensions found in each vector column,
row counts of tables, the full definition of each function, which tables' triggers call which function
(including tables in managed schemas such as ``auth.users``) and which tables each function body names.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FunctionFacts:
    identity: str
    definition: str  # pg_get_functiondef
    security_definer: bool
    config: tuple[str, ...] = ()
    trigger_tables: tuple[str, ...] = ()  # tables whose triggers call it


@dataclass(frozen=True)
class DataFacts:
    """What one database holds beyond its schema."""

    source: str
    row_counts: tuple[tuple[str, int], ...] = ()  # table identity -> rows
    dimensions: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = ()  # "t.col" -> ((dim, rows), ...)
    functions: tuple[FunctionFacts, ...] = field(default=())
    extension_schemas: tuple[str, ...] = ()

    def rows(self, table: str) -> int | None:
        for t, n in self.row_counts:
            if t == table:
                return n
        return None

    def dims(self, column: str) -> tuple[tuple[int, int], ...]:
        for c, d in self.dimensions:
            if c == column:
                return d
        return ()

    def function(self, identity: str) -> FunctionFacts | None:
        for f in self.functions:
            if f.identity == identity:
                return f
        return None
