"""What earlier steps did that makes a name uncertain (:class:`Scope`), and the collector of one
statement's needs (:class:`Deriver`) that consults it (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pgconsolidate.deploy.rights import names
from pgconsolidate.deploy.rights.model import Need


class Scope:
    """What earlier steps of the apply did that makes a name uncertain: ``search_path`` changed (or a
    schema was created: ``"$user"`` may now come first), and the names of objects created, dropped,
    renamed or moved (a later step naming them may mean another object than the one there now)."""

    def __init__(self) -> None:
        self.search_path_changed = False
        self.touched: set[str] = set()  # bare names of relations, functions, types and schemas
        self.pairs: set[tuple[str | None, str]] = set()  # (schema or None: unqualified, name) of those
        self.schemas: set[str] = set()  # schemas created, dropped or renamed
        self.gone: set[str] = set()  # those of objects there before that a step dropped, renamed or moved
        self._gone_tuple: tuple[str, ...] = ()

    def copy(self) -> Scope:
        other = Scope()
        other.search_path_changed = self.search_path_changed
        other.touched, other.pairs, other.schemas = set(self.touched), set(self.pairs), set(self.schemas)
        other.gone = set(self.gone)
        return other

    def certain(self, parts: list[str] | None) -> bool:
        """Whether the object named ``parts`` now is the one the apply will find under that name: an
        unqualified name nothing of that name was touched (and the search path is as it was); a
        qualified one whose schema, and whose name in that schema or unqualified, were not."""
        if not parts or len(parts) > 2:
            return False
        if len(parts) == 1:
            return not self.search_path_changed and parts[0] not in self.touched
        schema, name = parts
        return (
            schema not in self.schemas and (schema, name) not in self.pairs and (None, name) not in self.pairs
        )

    def touch(
        self,
        parts: Iterable[str] | None,
        gone: Iterable[str] = (),
        pairs: Iterable[tuple[str | None, str]] = (),
        schemas: Iterable[str] = (),
    ) -> None:
        if parts:
            self.touched.update(parts)
        self.pairs.update(pairs)
        self.schemas.update(schemas)
        for name in gone:
            if name not in self.gone:
                self.gone.add(name)
                self._gone_tuple = ()

    def gone_names(self) -> tuple[str, ...]:
        """:attr:`gone`, sorted (one tuple shared until it changes)."""
        if len(self._gone_tuple) != len(self.gone):
            self._gone_tuple = tuple(sorted(self.gone))
        return self._gone_tuple


def creation_schema(parts: list[str] | None, search_path_changed: bool) -> tuple[bool, str | None]:
    """(certain, schema name or None for the session's creation schema)."""
    if parts is None or len(parts) > 2:
        return False, None
    if len(parts) == 2:
        return True, parts[0]
    return (not search_path_changed), None


class Deriver:
    """The needs of one statement of kind ``kind`` (its parse tree's node type), given the scope of the
    steps before it. Each ``add`` is one right; the helpers add it only when the name is certain."""

    def __init__(self, kind: str, where: str, scope: Scope) -> None:
        self.kind = kind
        self.where = where
        self.scope = scope
        self.needs: list[Need] = []

    def add(
        self, kind: str, name: str | None, action: str, detail: str | None = None, parts: tuple[str, ...] = ()
    ) -> None:
        self.needs.append(Need(kind, name, self.where, action, detail, parts))

    def create_in(self, parts: list[str] | None, action: str) -> None:
        certain, schema = creation_schema(parts, self.scope.search_path_changed)
        if certain and (schema is None or schema not in self.scope.touched):
            self.add("schema-create", schema, action)

    def relation(
        self,
        kind: str,
        parts: list[str] | None,
        action: str,
        detail: str | None = None,
        columns: tuple[str, ...] = (),
    ) -> None:
        if self.scope.certain(parts):
            self.add(kind, names.qualified(parts), action, detail, columns)

    def function(self, kind: str, owa: Any, action: str, detail: str | None = None) -> None:
        name = names.function(owa)
        if name is not None and self.scope.certain(names.function_parts(owa)):
            self.add(kind, name, action, detail)

    def type(self, kind: str, node: Any, action: str, detail: str | None = None) -> None:
        parts = names.type_parts(node)
        if self.scope.certain(parts):
            self.add(kind, names.qualified(parts), action, detail)

    def schema(
        self, kind: str, name: str | None, action: str, detail: str | None = None, parts: tuple[str, ...] = ()
    ) -> None:
        if name is not None and name not in self.scope.touched:
            self.add(kind, name, action, detail, parts)
