"""Relations the migrations create that a fresh replay of them does not build (pure).

A plan proposed without a live database is proposed from the replayed chain. When a file's ``CREATE TABLE``
fails on a fresh database (a type of an extension enabled later, a missing reference...), the chain has no
such table, so no merge, dimension or index is planned for it, while databases built another way (the
extension enabled from a dashboard first) do have it. The user must hear that, with the failure that
explains it, instead of reading "0 merges" next to a ``similar-tables`` finding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pgconsolidate.catalog.model import Snapshot
from pgconsolidate.model.types import ObjectKind, Schema

_KINDS = {
    ObjectKind.TABLE: "table",
    ObjectKind.VIEW: "view",
    ObjectKind.MATERIALIZED_VIEW: "materialized view",
}


@dataclass(frozen=True)
class Unbuilt:
    """A relation the files create (``file``:``line``: its last CREATE) that the replayed chain lacks;
    ``why`` is the replay's message for that statement, when it failed."""

    identity: str
    kind: str
    file: str
    line: int
    why: str | None

    def render(self, live: bool = False) -> str:
        """One sentence for the plan's notes; ``live``: the plan was proposed from a live database too."""
        where = f"{self.file}:{self.line}"
        cause = f" (it failed there: {self.why})" if self.why else ""
        if live:
            return (
                f"{self.kind} {self.identity} is created at {where}, but neither a fresh replay of the "
                f"files{cause} nor the live database has it; nothing is planned for it"
            )
        return (
            f"{self.kind} {self.identity} is created at {where} but a fresh replay of the files does not "
            f"build it{cause}; nothing is planned for it. Databases built another way may have it: "
            "plan with --database-url to include it"
        )


def unbuilt_relations(
    schema: Schema, chain: Snapshot, failures: Iterable[tuple[str, int, str]]
) -> tuple[Unbuilt, ...]:
    """Tables, views and materialized views that exist at the end of the files' model (created by them,
    not merely referenced) but not in ``chain``; ``failures`` are the replay's (file, line, message)."""
    built = {t.identity for t in chain.tables}
    built |= {v.identity for v in chain.views}
    failed = {(f, line): message for f, line, message in failures}
    out: list[Unbuilt] = []
    for oid, state in schema.objects.items():
        kind = _KINDS.get(state.kind)
        if kind is None or not state.exists or state.external or oid in built:
            continue
        created = state.created
        if created is None:
            continue
        ref = created.ref
        out.append(Unbuilt(oid, kind, ref.file, ref.line, failed.get((ref.file, ref.line))))
    return tuple(sorted(out, key=lambda u: u.identity))
