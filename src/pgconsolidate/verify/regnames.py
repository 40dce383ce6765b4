"""Object identities (``schema.name``, ``schema.name(argtypes)``) as text that ``to_regclass`` and
``to_regprocedure`` read back as the same object.

Those functions parse their argument as SQL: an unquoted name folds to lower case, so
``to_regclass('public.Template')`` looks for ``public.template`` and answers NULL for the table Prisma
made as ``"Template"``. Quoting each part (``psycopg.sql``, as generated SQL does) keeps the case (and
dots or quotes inside a name). Pure.
"""

from __future__ import annotations

from pgconsolidate.generate.render import qualified, render


def regclass_text(identity: str) -> str:
    """``schema.name`` (a bare ``name`` is in ``public``) quoted for ``to_regclass``."""
    return render(qualified(identity))


def regprocedure_text(identity: str) -> str:
    """``schema.name(argtypes)`` with schema and name quoted for ``to_regprocedure`` (the argument types
    are kept as written: they are type names, which ``format_type`` spells for the parser)."""
    head, paren, args = identity.partition("(")
    return regclass_text(head) + (paren + args if paren else "()")
