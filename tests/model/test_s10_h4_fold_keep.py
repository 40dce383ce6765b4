"""``fold(effects, keep=[...])``: the same schema, and the finished folder handed to the caller."""

from __future__ import annotations

from pgconsolidate.model.effects import file_effects
from pgconsolidate.model.fold import _Folder, fold
from pgconsolidate.statements.split import split_sql

_SQL = (
    "CREATE TABLE t (id bigint PRIMARY KEY, note text);\n"
    "CREATE INDEX t_note ON t (note);\n"
    "ALTER TABLE t RENAME TO u;\n"
)


def test_fold_keep_returns_the_same_schema_and_the_folder() -> None:
    effects = file_effects(split_sql("f.sql", _SQL).statements, "f.sql")
    kept: list[object] = []
    schema = fold(effects, keep=kept)
    assert schema == fold(effects)
    assert schema.exists("public.u") and not schema.exists("public.t")
    (folder,) = kept
    assert isinstance(folder, _Folder)
    assert folder.objects is schema.objects  # the schema's objects are the folder's, handed over in place
