"""Effects of GRANT/REVOKE, default privileges and COMMENT statements."""

from __future__ import annotations

from typing import Any

from pgconsolidate.model.extract.base import ExtractorBase
from pgconsolidate.model.extract.common import (
    _OBJ_KIND,
    _qual,
    _roles,
    _rv_id,
)
from pgconsolidate.model.makers import new_effect, new_grant
from pgconsolidate.model.names import names, sval, type_ref
from pgconsolidate.model.types import (
    Action,
    DefaultPrivilegesDef,
    ObjectKind,
    members,
)

#: The members as plain class attributes (``types.members``: reading them off the Enum classes is slow).
K = members(ObjectKind)
A = members(Action)

_EMPTY: dict[str, Any] = {}

# ``DefaultPrivilegesDef.object_type`` per libpg_query objtype: the singular :class:`ObjectKind` values
# (``ON ROUTINES`` parses as OBJECT_FUNCTION, as PostgreSQL treats functions and procedures alike here).
_DEFAULT_OBJECT_TYPE = {
    "OBJECT_TABLE": K.TABLE.value,
    "OBJECT_SEQUENCE": K.SEQUENCE.value,
    "OBJECT_FUNCTION": K.FUNCTION.value,
    "OBJECT_PROCEDURE": K.FUNCTION.value,
    "OBJECT_ROUTINE": K.FUNCTION.value,
    "OBJECT_TYPE": K.TYPE.value,
    "OBJECT_SCHEMA": K.SCHEMA.value,
    "OBJECT_LARGEOBJECT": "large-object",
}


class PrivilegeEffects(ExtractorBase):
    """Effects of GRANT/REVOKE, default privileges and COMMENT statements."""

    __slots__ = ()

    # ----------------------------------------------------------------- privileges & comments

    def _GrantStmt(self, b: dict[str, Any]) -> None:
        ctx = self.ctx
        is_grant = bool(b.get("is_grant"))
        kind = _OBJ_KIND.get(b.get("objtype", ""), K.OTHER)
        privs: list[str] = []
        cols: list[str] = []
        for p in b.get("privileges") or ():
            ap = p.get("AccessPriv", _EMPTY)
            privs.append(ap.get("priv_name", "all").lower())
            ap_cols = ap.get("cols")
            if ap_cols:
                cols.extend([sval(c) for c in ap_cols])
        privileges = tuple(privs) or ("all",)
        grantees = _roles(b.get("grantees", ()))
        targets: list[str] = []
        if b.get("targtype") == "ACL_TARGET_ALL_IN_SCHEMA":
            targets = [f"{sval(o)}.*" for o in b.get("objects", ()) or ()]
        else:
            for o in b.get("objects") or ():
                if "RangeVar" in o:
                    targets.append(_rv_id(o["RangeVar"], ctx))
                elif "ObjectWithArgs" in o:
                    targets.append(self._func_id(o["ObjectWithArgs"])[0])
                elif "String" in o:
                    targets.append(sval(o))
                elif "TypeName" in o:
                    t, _ = type_ref(o["TypeName"], ctx.schema)
                    targets.append(f"{t.schema or ctx.schema}.{t.name}")
                else:
                    parts = names(o)
                    if parts:
                        targets.append(".".join(_qual(parts, ctx)))
        action = A.GRANT if is_grant else A.REVOKE
        grant_option = bool(b.get("grant_option"))
        columns = tuple(cols)
        out = self.out
        ref = self.ref
        cond = self.conditional
        for target in targets:
            g = new_grant(kind, target, privileges, grantees, grant_option, columns, not is_grant)
            uses = (target,) if not target.endswith(".*") else (target[:-2],)
            out.append(new_effect(action, kind, target, ref, g, None, False, False, False, False, uses, cond))

    def _GrantRoleStmt(self, b: dict[str, Any]) -> None:
        granted = [
            sval(r) or r.get("AccessPriv", {}).get("priv_name", "") for r in b.get("granted_roles", ())
        ]
        grantees = _roles(b.get("grantee_roles", ()))
        for role in granted:
            g = new_grant(K.ROLE, role, ("member",), grantees, revoke=not b.get("is_grant"))
            self.add(A.GRANT if b.get("is_grant") else A.REVOKE, K.ROLE, role, g)

    def _AlterDefaultPrivilegesStmt(self, b: dict[str, Any]) -> None:
        """``ALTER DEFAULT PRIVILEGES [FOR ROLE r, ...] [IN SCHEMA s, ...] GRANT|REVOKE ... ON <kind>``.

        libpg_query puts the GRANT/REVOKE part unwrapped under ``action`` (a GrantStmt's fields without
        the ``GrantStmt`` key; ``is_grant`` is absent for REVOKE). Privileges are kept as written, lower
        case, with ``ALL [PRIVILEGES]`` recorded as ``("all",)`` like :class:`GrantDef` does (the fold
        expands it per object kind). ``REVOKE GRANT OPTION FOR`` is a revoke with ``grant_option``
        set: only the grant option goes. No ``IN SCHEMA`` means every schema; no ``FOR ROLE`` the role
        running the migration. The schemas named must exist, so they are the effect's ``uses``.
        """
        schemas: list[str] = []
        roles: list[str] = []
        for item in b.get("options", ()) or ():
            de = item.get("DefElem", {})
            vals = (de.get("arg") or {}).get("List", {}).get("items", []) or []
            if de.get("defname") == "schemas":
                schemas.extend(sval(v) for v in vals)
            elif de.get("defname") == "roles":
                roles.extend(_roles(vals))
        action = b.get("action") or {}
        action = action.get("GrantStmt", action)  # tolerate the wrapped form too
        is_grant = bool(action.get("is_grant"))
        privs = tuple(
            p.get("AccessPriv", {}).get("priv_name", "all").lower()
            for p in action.get("privileges", ()) or ()
        )
        dp = DefaultPrivilegesDef(
            _DEFAULT_OBJECT_TYPE.get(action.get("objtype", ""), "other"),
            tuple(schemas),
            privs or ("all",),
            _roles(action.get("grantees", ())),
            tuple(roles),
            not is_grant,
            bool(action.get("grant_option")),
        )
        self.add(
            A.GRANT if is_grant else A.REVOKE,
            K.OTHER,
            "default-privileges",
            dp,
            cascade=action.get("behavior") == "DROP_CASCADE",
            uses=tuple(dict.fromkeys(schemas)),
        )

    def _CommentStmt(self, b: dict[str, Any]) -> None:
        ot = b.get("objtype", "")
        kind = _OBJ_KIND.get(ot, K.OTHER)
        obj = b.get("object") or {}
        if "ObjectWithArgs" in obj:
            oid = self._func_id(obj["ObjectWithArgs"])[0]
        elif "String" in obj:
            oid = sval(obj)
        elif "TypeName" in obj:
            t, _ = type_ref(obj["TypeName"], self.ctx.schema)
            oid = f"{t.schema or self.ctx.schema}.{t.name}"
        else:
            parts = names(obj)
            if ot in ("OBJECT_COLUMN", "OBJECT_POLICY", "OBJECT_TRIGGER", "OBJECT_TABCONSTRAINT"):
                if len(parts) == 2:
                    parts = [self.ctx.schema, *parts]
                oid = ".".join(parts[-3:])
            else:
                oid = ".".join(_qual(parts, self.ctx)) if parts else ""
        self.add(A.COMMENT, kind, oid, b.get("comment"))
