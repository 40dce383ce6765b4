"""Migration files compared with a live database as if applied by the live database's role (pure).

Files never name the role that applies them: whoever runs them owns what they create, holds the owner's
privileges on it (``acldefault``) and is the role of ``ALTER DEFAULT PRIVILEGES`` without ``FOR ROLE``.
A replay of the files on the scratch server is applied by the scratch's role (``postgres``); a live
database is often applied by another (RDS, self-hosted, a Supabase-like ``owner1``). Compared as they
are, every object differs in its owner, its owner's grant and the default privileges' role (243
differences on the bundled example built into a database owned by a role ``h12owner``, 240 of them this
rename alone). :func:`as_live_role` reads the replay as if the live database's role had applied it: in
owners, grantees (the grants' identities too) and default privileges' ``by <role>``. An object the live
database has owned by yet another role still shows as a changed owner.

The applying role of each side is the owner of most of its objects (on the live side it is the role the
migrations ran as, whichever role inspects it). A file that names the scratch's role itself (``ALTER ...
OWNER TO postgres``, ``GRANT ... TO postgres``) is read as the live role's too: only when the two roles
differ.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import fields, replace

from pgconsolidate.catalog.model import CatalogObject, Grant, ManagedTable, Snapshot
from pgconsolidate.compare.diff import compared_collections


def applying_role(snap: Snapshot) -> str | None:
    """The owner of most of the snapshot's objects (None when none has an owner, or two tie)."""
    owners: Counter[str] = Counter()
    for collection in compared_collections():
        for obj in snap.objects(collection):
            owner = getattr(obj, "owner", None)
            if isinstance(owner, str):
                owners[owner] += 1
    common = owners.most_common(2)
    if not common or (len(common) == 2 and common[0][1] == common[1][1]):
        return None
    return common[0][0]


def as_live_role(files: Snapshot, live: Snapshot) -> tuple[Snapshot, tuple[str, ...]]:
    """``files`` (a replay of migration files) read as if ``live``'s applying role had applied it, and a
    note saying so; ``files`` as it is (and no note) when both sides were applied by the same role."""
    old, new = applying_role(files), applying_role(live)
    if old is None or new is None or old == new:
        return files, ()
    note = (
        f"files applied as {old} on the scratch server, compared as {new} (the owner of most objects of "
        f"the database): owners, privileges and default privileges of {old} read as {new}'s"
    )
    return renamed_role(files, old, new), (note,)


def renamed_role(snap: Snapshot, old: str, new: str) -> Snapshot:
    """``snap`` with role ``old`` named ``new`` wherever a role is an object's owner, a grantee or the
    role of default privileges (two grants that become one are merged)."""
    changed: dict[str, tuple[CatalogObject, ...]] = {}
    for collection in compared_collections():
        objects = snap.objects(collection)
        if not objects:
            continue
        if collection == "grants":
            changed[collection] = _renamed_grants(objects, old, new)
        elif collection == "managed_tables":
            changed[collection] = tuple(_renamed_managed(o, old, new) for o in objects)
        elif any(f.name == "owner" for f in fields(objects[0])):
            changed[collection] = tuple(
                replace(o, owner=new) if getattr(o, "owner", None) == old else o  # type: ignore[call-arg]
                for o in objects
            )
    return replace(snap, **changed)  # type: ignore[arg-type]


def _renamed_grants(grants: tuple[CatalogObject, ...], old: str, new: str) -> tuple[CatalogObject, ...]:
    by_identity: dict[str, Grant] = {}
    for g in grants:
        assert isinstance(g, Grant)
        obj, grantee = g.object, g.grantee
        if g.object_kind == "default":  # "tables in public by <role>"
            head, sep, role = obj.rpartition(" by ")
            if sep and role == old:
                obj = f"{head} by {new}"
        if grantee == old:
            grantee = new
        if (obj, grantee) != (g.object, g.grantee):
            g = replace(g, identity=f"{g.object_kind} {obj} to {grantee}", object=obj, grantee=grantee)
        seen = by_identity.get(g.identity)
        if seen is not None:  # the scratch role's and the live role's grants on one object: one grantee
            g = replace(
                g,
                privileges=tuple(sorted(set(seen.privileges) | set(g.privileges))),
                grantable=tuple(sorted(set(seen.grantable) | set(g.grantable))),
            )
        by_identity[g.identity] = g
    return tuple(by_identity[k] for k in sorted(by_identity))


def _renamed_managed(obj: CatalogObject, old: str, new: str) -> CatalogObject:
    """A managed table's ``"grantee: PRIVILEGES"`` (and ``"column grantee: ..."``) entries renamed."""
    if not isinstance(obj, ManagedTable):
        return obj

    def entry(text: str) -> str:
        who, sep, privileges = text.rpartition(": ")
        if sep and (who == old or who.endswith(" " + old)):
            return f"{who[: len(who) - len(old)]}{new}: {privileges}"
        return text

    privileges = tuple(entry(e) for e in obj.privileges)
    columns = tuple(entry(e) for e in obj.column_privileges)
    if privileges == obj.privileges and columns == obj.column_privileges:
        return obj
    return replace(obj, privileges=privileges, column_privileges=columns)
