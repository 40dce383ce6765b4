"""learning-core-api (goose) seeds a system user, then a schema template whose created_by references it.
The clean set put the users table (and its rows) in a later domain file than schema_templates' rows, and
the foreign key, added in that later file, was checked against template rows whose user did not exist yet:
'the clean set failed to replay: ... violates foreign key constraint schema_templates_created_by_fkey'.
A table's rows now go no earlier than its foreign keys and the rows they reference."""

from __future__ import annotations

from pgconsolidate.generate.cleanset import DumpEntry, assign_domains
from pgconsolidate.plan.model import Domain

_DOMAINS = (Domain("initial_schema", ("*",)), Domain("user", ("public.user*",)))


def _entry(name: str, kind: str, sql: str) -> DumpEntry:
    return DumpEntry(name, kind, "public", sql)


def test_rows_follow_their_foreign_keys_and_the_rows_they_reference() -> None:
    entries = [
        _entry("templates", "TABLE", "CREATE TABLE public.templates (id int, created_by int);"),
        _entry("users", "TABLE", "CREATE TABLE public.users (id int);"),
        _entry("notes", "TABLE", "CREATE TABLE public.notes (id int, template_id int);"),
        _entry(
            "templates templates_created_by_fkey",
            "FK CONSTRAINT",
            "ALTER TABLE ONLY public.templates\n    ADD CONSTRAINT templates_created_by_fkey FOREIGN KEY "
            "(created_by) REFERENCES public.users(id);",
        ),
        _entry(
            "notes notes_template_id_fkey",
            "FK CONSTRAINT",
            "ALTER TABLE ONLY public.notes\n    ADD CONSTRAINT notes_template_id_fkey FOREIGN KEY "
            "(template_id) REFERENCES public.templates(id);",
        ),
        _entry("users", "TABLE DATA", "INSERT INTO public.users (id) VALUES (1) ON CONFLICT DO NOTHING;"),
        _entry(
            "templates",
            "TABLE DATA",
            "INSERT INTO public.templates (id, created_by) VALUES (1, 1) ON CONFLICT DO NOTHING;",
        ),
        _entry(
            "notes",
            "TABLE DATA",
            "INSERT INTO public.notes (id, template_id) VALUES (1, 1) ON CONFLICT DO NOTHING;",
        ),
    ]
    idx = dict(zip([f"{e.type} {e.name}" for e in entries], assign_domains(entries, _DOMAINS), strict=True))
    assert idx["TABLE templates"] == 0 and idx["TABLE users"] == 1
    assert idx["FK CONSTRAINT templates templates_created_by_fkey"] == 1
    assert idx["TABLE DATA users"] == 1
    assert idx["TABLE DATA templates"] == 1  # was 0: loaded before the user it references existed
    assert idx["TABLE DATA notes"] == 1  # its template's rows moved: so do its own
