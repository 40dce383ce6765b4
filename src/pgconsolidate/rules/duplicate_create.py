"""Rule ``duplicate-create``: the same object is created again while it still exists."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.nodes import type_name
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.rules.state import loc
from pgconsolidate.statements.model import Statement


def _columns(st: Statement) -> dict[str, str]:
    out = {}
    for elt in st.body.get("tableElts") or ():
        cd = elt.get("ColumnDef")
        if cd:
            out[cd.get("colname", "")] = type_name(cd.get("typeName"), typmods=True)
    return out


@rule(
    id="duplicate-create",
    severity=Severity.ERROR,
    help="Keep one CREATE per object; turn later ones into the ALTERs they mean (ADD COLUMN IF NOT EXISTS, "
    "ALTER COLUMN TYPE) or delete them; `pgconsolidate plan` proposes the merge.",
)
def duplicate_create(ctx: RuleContext) -> Iterator[Hit]:
    """The same object (table, index, view, type, trigger, policy, function) is created again while it
    still exists.

    Without IF NOT EXISTS the second CREATE fails (``42P07``/``42710``) and the migration stops: on
    production it was often marked applied without running. With IF NOT EXISTS it is silently skipped,
    so every column or option that only the second definition has never exists. Either way the
    directory does not say what the object really is. The finding is at the later CREATE and names the
    earlier one.
    """
    state = ctx.state
    stmt_at: dict[tuple[str, Location], tuple[Statement, bool]] = {
        (oid, loc(st)): (st, guarded) for oid, _kind, st, guarded in state.creates
    }
    first_def: dict[str, Statement] = {}
    for oid, _kind, create_st, _guarded in state.creates:
        first_def.setdefault(oid, create_st)
    for oid, events in sorted(state.history.items()):
        alive: Location | None = None
        for ev in events:
            if ev.action == "drop" or ev.action == "rename":
                alive = None
                continue
            if ev.action != "create" or ev.detail.startswith("renamed"):
                continue
            if alive is None:
                alive = ev.location
                continue
            kind = state.kinds.get(oid, "object")
            found = stmt_at.get((oid, ev.location))
            st: Statement | None = found[0] if found is not None else None
            guarded = found[1] if found is not None else False
            extra = ""
            if kind == "table" and st is not None and oid in first_def:
                before = _columns(first_def[oid])
                now = _columns(st)
                missing = [c for c in now if c not in before]
                changed = [c for c in now if c in before and before[c] != now[c]]
                if missing:
                    extra += f"; columns only this definition has: {', '.join(missing)}"
                if changed:
                    extra += "; columns with another type: " + ", ".join(
                        f"{c} {before[c]} → {now[c]}" for c in changed
                    )
            if guarded and kind in ("extension", "schema"):
                continue
            if guarded:
                outcome = "IF NOT EXISTS silently skips it"
                severity = Severity.WARNING if extra else Severity.INFO
            else:
                outcome = "this CREATE fails because it already exists"
                severity = Severity.ERROR
            yield Hit(
                f"{kind} {oid} is created again (first at {alive}): {outcome}{extra}",
                ev.location,
                (alive,),
                (oid,),
                severity=severity,
            )
