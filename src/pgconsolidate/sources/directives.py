"""Directives some tools read from a migration file's text (pure: text in, answer out).

sqlx runs a file outside a transaction when its first line is ``-- no-transaction``; its file names
(``<version>_<name>.sql``, ``.up.sql``/``.down.sql``) are those of Supabase, golang-migrate and plainly
numbered directories, so a file of such a directory that begins with the directive is taken as sqlx's
(the other tools see a comment). Replay and the ``concurrently-in-transaction`` rule read it the same way.
"""

from __future__ import annotations

from pgconsolidate.sources.model import Scheme

#: schemes whose file names sqlx shares
SQLX_LOOKALIKES = frozenset({Scheme.SUPABASE, Scheme.GOLANG_MIGRATE, Scheme.NUMBERED})
SQLX_NO_TRANSACTION = "-- no-transaction"


def sqlx_no_transaction(scheme: Scheme, text: str) -> bool:
    """True when sqlx would run this file outside a transaction."""
    return scheme in SQLX_LOOKALIKES and text.startswith(SQLX_NO_TRANSACTION)
