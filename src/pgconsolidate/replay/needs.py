"""Does a migration chain expect Supabase? (pure: looks at the SQL text only)."""

from __future__ import annotations

import re

from pgconsolidate.sources.model import MigrationDir

_MARKERS = (
    (re.compile(r"\bauth\s*\.\s*(?:uid|role|jwt|email)\s*\(", re.I), "auth.uid()/role()/jwt()/email()"),
    (re.compile(r"\bauth\s*\.\s*users\b", re.I), "auth.users"),
    (re.compile(r"\bstorage\s*\.\s*(?:buckets|objects)\b", re.I), "the storage schema"),
    (
        re.compile(r"\brealtime\s*\.\s*(?:messages\b|topic\s*\(|send\s*\(|broadcast_changes\s*\()", re.I),
        "Realtime (realtime.messages, topic(), send(), broadcast_changes())",
    ),
    (re.compile(r"\bschema\s+extensions\b|\bextensions\s*\.\s*[a-z_]", re.I), "the extensions schema"),
    (
        re.compile(r"\bto\s+(?:[\w\",\s]*?\b)?(?:anon|authenticated|service_role)\b", re.I),
        "roles anon/authenticated/service_role",
    ),
)


def supabase_reasons(mdir: MigrationDir) -> tuple[str, ...]:
    """What in the files needs the Supabase base (empty when nothing does)."""
    found: list[str] = []
    for f in mdir.files:
        if f.text is None:
            continue
        text = f.forward_sql
        for pattern, what in _MARKERS:
            if what not in found and pattern.search(text):
                found.append(what)
    return tuple(found)
