"""The one-line refusal for a right the connected role lacks (pure): the step (``path:line``), the role,
the right, the object and the statement that needs it."""

from __future__ import annotations

from pgconsolidate.deploy.rights.model import Need

RIGHT_NAMES = {
    "database-create": "CREATE on database",
    "schema-create": "CREATE on schema",
    "schema-owner": "ownership of schema",
    "relation-owner": "ownership of {noun}",
    "relation-drop": "ownership of {noun} (or of its schema)",
    "trigger-drop": "ownership of {noun}",
    "policy-drop": "ownership of {noun}",
    "rule-drop": "ownership of {noun}",
    "function-owner": "ownership of {noun}",
    "function-drop": "ownership of {noun} (or of its schema)",
    "type-owner": "ownership of {noun}",
    "type-drop": "ownership of {noun} (or of its schema)",
    "table-insert": "INSERT on table",
    "table-delete": "DELETE on table",
    "table-trigger": "TRIGGER on {noun}",
    "table-references": "REFERENCES on {noun}",
    "relation-owner-to": "ownership of {noun} (and SET ROLE to its new owner {detail!r})",
    "function-owner-to": "ownership of {noun} (and SET ROLE to its new owner {detail!r})",
    "type-owner-to": "ownership of {noun} (and SET ROLE to its new owner {detail!r})",
    "schema-owner-to": "ownership of schema (and SET ROLE to its new owner {detail!r})",
    "role-set": "the right to SET ROLE to (or membership of) role",
    "function-execute": "EXECUTE on function",
    "table-grant": "{detail} WITH GRANT OPTION (or ownership) on {noun}",
    "sequence-grant": "{detail} WITH GRANT OPTION (or ownership) on sequence",
    "function-grant": "{detail} WITH GRANT OPTION (or ownership) on {noun}",
    "schema-grant": "{detail} WITH GRANT OPTION (or ownership) on schema",
    "type-grant": "{detail} WITH GRANT OPTION (or ownership) on {noun}",
    "table-revoke": "any privilege on {noun}",
    "sequence-revoke": "any privilege on sequence",
    "function-revoke": "any privilege on {noun}",
    "schema-revoke": "any privilege on schema",
    "type-revoke": "any privilege on {noun}",
    "matview-refresh": "{noun}",
    "extension-create": "{noun} to create extension",
    "table-truncate": "TRUNCATE on {noun}",
    "table-lock": "{detail} on {noun}",
    "schema-usage": "USAGE on schema",
    "publication-owner": "ownership of publication",
    "publication-owner-to": "ownership of publication (and SET ROLE to its new owner {detail!r})",
    "publication-superuser": "superuser for publication",
    "column-grant": "{detail} (or ownership) on {noun}",
    "column-revoke": "any privilege on {noun}",
    "columns-select": "SELECT on {noun}",
    "columns-insert": "INSERT on {noun}",
    "columns-update": "UPDATE on {noun}",
    **{
        f"{what}-in-schema": "any privilege on {noun}"
        for what in ("tables", "sequences", "functions", "procedures", "routines")
    },
}
#: OWNER TO: what the new owner must hold (unless the connected role is a superuser)
NEW_OWNER = (
    "relation-new-owner",
    "function-new-owner",
    "type-new-owner",
    "schema-new-owner",
    "publication-new-owner",
)


def message(need: Need, obj: str, role: str, noun: str | None) -> str:
    """``path:line: role 'r' lacks <right> '<object>' (needed by <statement>): nothing was ...``."""
    detail = "a privilege" if need.detail == "ALL" else need.detail or ""
    if need.kind.endswith(("-owner-to", "-new-owner")) and not detail:
        detail = "CURRENT_USER"
    if need.kind in NEW_OWNER:
        return (
            f"{need.where}: new owner {detail!r} lacks CREATE on {noun or 'schema'} {obj!r}, which "
            f"PostgreSQL requires of it unless role {role!r} is a superuser (needed by {need.action}): "
            "nothing was backed up or changed"
        )
    if need.kind == "table-lock":  # any of them
        detail = " or ".join(detail.rsplit(", ", 1))
    right = RIGHT_NAMES[need.kind].format(noun=noun or "object", detail=detail)
    effect = ""
    if need.kind.endswith("-grant"):
        effect = " (PostgreSQL refuses it, or only warns and grants nothing)"
    elif need.kind.endswith("-revoke") or need.kind.endswith("-in-schema"):
        effect = " (PostgreSQL refuses it to a role without any privilege on the object)"
    return (
        f"{need.where}: role {role!r} lacks {right} {obj!r} (needed by {need.action}{effect}): "
        "nothing was backed up or changed"
    )


def unusable(need: Need, role: str, reason: str) -> str:
    """A name in a schema the role may not use: PostgreSQL's own reason."""
    return (
        f"{need.where}: role {role!r} cannot use {need.name} ({reason}; needed by {need.action}): "
        "nothing was backed up or changed"
    )
