"""Extensions a Supabase chain uses but never creates: enabled from the dashboard on the hosted project.

pgvector, pg_trgm and the like are often switched on from the Supabase dashboard, so no migration runs
``CREATE EXTENSION``, yet the files use ``vector(1536)`` columns or ``gin_trgm_ops``. On the Supabase base,
``replay`` treats such an extension as enabled on the platform: it is created in schema ``extensions``
before the chain runs (when the scratch server has it) and reported as *assumed*, never silently. What the
files need is found the way the ``missing-extension`` rule finds it.
"""

from __future__ import annotations

from pgconsolidate.replay.model import Assumed
from pgconsolidate.rules.missing_extension import may_need, statement_needs
from pgconsolidate.rules.nodes import EXTENSION_TYPES
from pgconsolidate.sources.model import MigrationDir
from pgconsolidate.statements.split import split_sql


def uncreated_needs(mdir: MigrationDir) -> tuple[Assumed, ...]:
    """The extensions ``mdir``'s forward files need but none of them creates, each with its first use, in
    the order of first use (pure: reads the texts already in ``mdir``)."""
    every_type = tuple(EXTENSION_TYPES)
    # only files that may create an extension or use one are split (a quick look at the whole text)
    files = [
        f
        for f in mdir.files
        if f.filename.direction != "down"
        and f.forward_sql
        and ("extension" in (low := f.forward_sql.lower()) or may_need(f.forward_sql, every_type, low))
    ]
    split = [split_sql(f.path, f.forward_sql, first_line=f.span_line).statements for f in files]
    created = {
        str(st.body.get("extname", ""))
        for statements in split
        for st in statements
        if st.kind == "CreateExtensionStmt"
    }
    missing_types = tuple(t for t, ext in EXTENSION_TYPES.items() if ext not in created)
    found: dict[str, Assumed] = {}
    for f, statements in zip(files, split, strict=True):
        if not may_need(f.forward_sql, missing_types):
            continue
        for st in statements:
            if st.kind == "CreateExtensionStmt":
                continue
            for ext, what in statement_needs(st, created, missing_types):
                if ext not in created and ext not in found:
                    found[ext] = Assumed(ext, st.file, st.line, what)
    return tuple(found.values())
