"""Effects of RENAME, SET SCHEMA and DROP statements."""

from __future__ import annotations

from typing import Any

from pgconsolidate.model.extract.base import ExtractorBase
from pgconsolidate.model.extract.common import (
    _OBJ_KIND,
    _qual,
    _rv,
    _rv_id,
)
from pgconsolidate.model.makers import new_change
from pgconsolidate.model.names import names, sval
from pgconsolidate.model.types import (
    Action,
    ObjectKind,
    members,
)

#: The members as plain class attributes (``types.members``: reading them off the Enum classes is slow).
K = members(ObjectKind)
A = members(Action)


class RenameDropEffects(ExtractorBase):
    """Effects of RENAME, SET SCHEMA and DROP statements."""

    __slots__ = ()

    # ----------------------------------------------------------------- renames & drops

    def _RenameStmt(self, b: dict[str, Any]) -> None:
        rt = b.get("renameType", "")
        new = b.get("newname", "")
        missing_ok = bool(b.get("missing_ok"))
        if rt in ("OBJECT_COLUMN", "OBJECT_ATTRIBUTE"):
            table = _rv_id(b.get("relation"), self.ctx)
            if rt == "OBJECT_ATTRIBUTE":
                self.add(A.ALTER, K.TYPE, table, new_change("rename_attribute", (b.get("subname"), new)))
                return
            self.add(
                A.RENAME,
                K.COLUMN,
                f"{table}.{b.get('subname')}",
                new_id=f"{table}.{new}",
                if_exists=missing_ok,
            )
        elif rt in ("OBJECT_POLICY", "OBJECT_TRIGGER", "OBJECT_TABCONSTRAINT"):
            table = _rv_id(b.get("relation"), self.ctx)
            kind = _OBJ_KIND[rt]
            self.add(
                A.RENAME, kind, f"{table}.{b.get('subname')}", new_id=f"{table}.{new}", if_exists=missing_ok
            )
            if rt == "OBJECT_TABCONSTRAINT":
                schema = table.rsplit(".", 1)[0]
                self.add(
                    A.RENAME,
                    K.INDEX,
                    f"{schema}.{b.get('subname')}",
                    new_id=f"{schema}.{new}",
                    if_exists=True,
                )
        elif rt in (
            "OBJECT_TABLE",
            "OBJECT_VIEW",
            "OBJECT_MATVIEW",
            "OBJECT_INDEX",
            "OBJECT_SEQUENCE",
            "OBJECT_FOREIGN_TABLE",
        ):
            schema, name = _rv(b.get("relation"), self.ctx)
            self.add(
                A.RENAME, _OBJ_KIND[rt], f"{schema}.{name}", new_id=f"{schema}.{new}", if_exists=missing_ok
            )
        elif rt in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE", "OBJECT_AGGREGATE"):
            owa = (b.get("object") or {}).get("ObjectWithArgs", {})
            oid, schema, _ = self._func_id(owa)
            sig = oid[len(schema) + 1 :]
            args = sig[sig.index("(") :]
            self.add(A.RENAME, _OBJ_KIND[rt], oid, new_id=f"{schema}.{new}{args}", if_exists=missing_ok)
        elif rt in ("OBJECT_SCHEMA",):
            self.add(A.RENAME, K.SCHEMA, b.get("subname", ""), new_id=new)
        elif rt in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
            obj = b.get("object") or {}
            parts = names(obj) if "List" in obj else names(obj.get("TypeName", {}).get("names", ()))
            schema, name = _qual(parts, self.ctx)
            self.add(
                A.RENAME, _OBJ_KIND[rt], f"{schema}.{name}", new_id=f"{schema}.{new}", if_exists=missing_ok
            )
        elif rt in _OBJ_KIND:
            obj = b.get("object")
            oname = sval(obj) if isinstance(obj, dict) and "String" in obj else b.get("subname", "")
            self.add(A.RENAME, _OBJ_KIND[rt], oname or "", new_id=new)

    def _AlterObjectSchemaStmt(self, b: dict[str, Any]) -> None:
        ot = b.get("objectType", "")
        new_schema = b.get("newschema", "")
        kind = _OBJ_KIND.get(ot, K.OTHER)
        if b.get("relation"):
            schema, name = _rv(b["relation"], self.ctx)
            self.add(A.RENAME, kind, f"{schema}.{name}", new_id=f"{new_schema}.{name}")
        elif ot in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
            oid, schema, _ = self._func_id((b.get("object") or {}).get("ObjectWithArgs", {}))
            self.add(A.RENAME, kind, oid, new_id=new_schema + oid[len(schema) :])
        elif ot == "OBJECT_EXTENSION":
            self.add(A.ALTER, K.EXTENSION, sval(b.get("object")), new_change("schema", new_schema))
        else:
            obj = b.get("object") or {}
            parts = names(obj) if "List" in obj else names(obj.get("TypeName", {}).get("names", ()))
            if parts:
                schema, name = _qual(parts, self.ctx)
                self.add(A.RENAME, kind, f"{schema}.{name}", new_id=f"{new_schema}.{name}")

    def _DropStmt(self, b: dict[str, Any]) -> None:
        rt = b.get("removeType", "")
        kind = _OBJ_KIND.get(rt, K.OTHER)
        cascade = b.get("behavior") == "DROP_CASCADE"
        missing_ok = bool(b.get("missing_ok"))
        for obj in b.get("objects", ()) or ():
            oid = self._drop_target(rt, obj)
            if oid:
                self.add(A.DROP, kind, oid, if_exists=missing_ok, cascade=cascade)
