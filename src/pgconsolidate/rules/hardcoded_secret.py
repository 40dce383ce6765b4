"""Rule ``hardcoded-secret``: a credential written in clear in a migration file."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator

from pgconsolidate.rules.finding import Severity, new_location
from pgconsolidate.rules.registry import Hit, RuleContext, rule

#: Every kind of credential the rule knows, one alternative each (the group's name is the kind).
_SECRETS = re.compile(
    r"(?P<jwt>\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})"
    r"|(?P<url>\bpostgres(?:ql)?://(?P<user>[^\s:/@'\"]+):(?P<password>[^\s@/'\"]+)@(?P<host>[^\s/:'\"?]*))"
    r"|(?P<stripe>\b[sr]k_(?P<mode>live|test)_[0-9A-Za-z]{16,})"
    r"|(?P<sbsecret>\bsb_secret_[A-Za-z0-9_-]{16,})"
    r"|(?P<aws>\bAKIA[0-9A-Z]{16}\b)"
    r"|(?P<pem>-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----\s*[A-Za-z0-9+/=\s]{40,})"
    r"|(?P<bearer>\b[Bb]earer\s+(?P<token>[A-Za-z0-9._~+/-]{20,}=*))"
    r"|(?P<vault>\bvault\.create_secret\s*\(\s*E?'(?P<value>(?:[^']|'')*)')"
    r"|(?P<crypt>\b(?:extensions\.)?crypt\s*\(\s*E?'(?P<clear>(?:[^']|'')+)'\s*,\s*(?:extensions\.)?gen_salt\s*\()"
)
#: The secret key that goes with an AWS access key id (searched near the id).
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
#: What marks a placeholder rather than a value: a template, an example, a run of one character.
_PLACEHOLDER = re.compile(
    r"[<>{}\[\]]|\$\{|\.\.\.|\byour|x{3,}|\*{3,}|example|placeholder|changeme|redacted|dummy|secret_here"
    r"|^(?:password|passwd|pass|pwd|secret|postgres|user|test|admin|root|token|key)$",
    re.IGNORECASE,
)
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "host.docker.internal", ""})
_URL_ONLY = re.compile(r"^[a-z][a-z0-9+.-]*://[^\s@]*$", re.IGNORECASE)


def _placeholder(value: str) -> bool:
    """True for a value that only stands for a secret (``<your-key>``, ``${SECRET}``, ``'xxx'``)."""
    return bool(_PLACEHOLDER.search(value)) or len(set(value)) <= 2


def _json_part(part: str) -> object:
    """The JSON a JWT part (base64url) holds, or None."""
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (binascii.Error, ValueError):
        return None


def _jwt_kind(token: str) -> tuple[str, Severity] | None:
    """What the JWT is (``a JWT with role service_role``) and how bad its being here is; None when it is
    not a JWT (its header is not JSON naming an ``alg``)."""
    header, payload, _sig = token.split(".", 2)
    head = _json_part(header)
    if not isinstance(head, dict) or "alg" not in head:
        return None
    body = _json_part(payload)
    role = body.get("role") if isinstance(body, dict) else None
    if isinstance(body, dict) and body.get("iss") == "supabase-demo":
        # the Supabase CLI's local keys (`supabase start` prints them; every local stack has the same ones,
        # copied into many projects, chatbot-ui's storage triggers among them): public, nothing to rotate,
        # but they work only on a local stack, or on a self-hosted one left on the default JWT secret
        with_role = f" with role {role}" if isinstance(role, str) and role else ""
        return (
            f"the Supabase CLI's local demo JWT{with_role} (public: the same on every local stack; it works "
            "only there, or on a self-hosted stack left on the default JWT secret)",
            Severity.WARNING,
        )
    if isinstance(role, str) and role:
        # the anon key is public by design (browsers hold it): worth moving, not a leak
        severity = Severity.WARNING if role == "anon" else Severity.ERROR
        return f"a JWT with role {role}", severity
    return "a JWT", Severity.ERROR


def _what(m: re.Match[str], text: str) -> tuple[str, Severity] | None:
    """What the match is and its severity, or None when it is a placeholder / not a credential."""
    kind = m.lastgroup
    if kind == "jwt":
        return _jwt_kind(m["jwt"])
    if kind == "url":
        if _placeholder(m["password"]) or m["password"].startswith("$"):
            return None
        if m["host"].lower() in _LOCAL_HOSTS:
            return (
                f"a password for a local database ({m['user']}@{m['host'] or 'localhost'})",
                Severity.WARNING,
            )
        return f"a database password ({m['user']}@{m['host']})", Severity.ERROR
    if kind == "stripe":
        key = m["stripe"]
        if _placeholder(key[8:]):
            return None
        name = (
            "a Stripe secret key" if key[0] == "s" else "a Stripe restricted key"
        ) + f" ({m['mode']} mode)"
        return name, Severity.ERROR if m["mode"] == "live" else Severity.WARNING
    if kind == "sbsecret":
        return None if _placeholder(m["sbsecret"][10:]) else ("a Supabase secret key", Severity.ERROR)
    if kind == "aws":
        if "EXAMPLE" in m["aws"]:
            return None
        near = text[max(0, m.start() - 300) : m.end() + 300]
        secret = _AWS_SECRET.search(near)
        if secret is None or "EXAMPLE" in secret.group():
            return None
        return "an AWS access key id with its secret key", Severity.ERROR
    if kind == "pem":
        return "a private key", Severity.ERROR
    if kind == "bearer":
        token = m["token"]
        jwt = _embedded_jwt(token)
        if jwt is not None:
            return f"{jwt[0]} as a bearer token", jwt[1]
        return None if _placeholder(token) else ("a bearer token (Authorization header)", Severity.ERROR)
    if kind == "crypt":
        # a seeded account's password: whatever it is, every database the migrations build accepts it
        if re.search(r"[<>{}]|\$\{", m["clear"]):
            return None
        return "a password hashed by crypt() as the migration runs (a seeded account)", Severity.ERROR
    value = m["value"]  # vault.create_secret('...')
    jwt = _embedded_jwt(value)
    if jwt is not None:
        return f"{jwt[0]} passed to vault.create_secret()", jwt[1]
    if len(value) < 12 or _placeholder(value) or _URL_ONLY.match(value):
        return None  # a URL or a name is configuration, not a credential
    return "a literal value passed to vault.create_secret()", Severity.ERROR


def _embedded_jwt(value: str) -> tuple[str, Severity] | None:
    """What the JWT in ``value`` is (see :func:`_jwt_kind`), or None when it holds none."""
    found = _SECRETS.search(value) if "eyJ" in value else None
    return _jwt_kind(found["jwt"]) if found is not None and found.lastgroup == "jwt" else None


def _may_hold_secret(text: str) -> bool:
    """A cheap first look: False when ``text`` holds none of the JWTs, database URLs, Supabase secret keys,
    ``vault.create_secret`` and ``crypt(..., gen_salt(...))`` calls :data:`_SECRETS` matches. Every JWT
    holds ``J`` (its parts start with ``eyJ``), every URL with a password ``@``, the keys and the call
    ``_secret``; an HTTP call carrying a bearer token names its URL (``/``), a private key block is base64
    (``/``), a Stripe key holds ``_live_`` or ``_test_``, an AWS key id ``AKIA`` and a seeded password
    ``gen_salt``. Searches of one character (memchr, ~0.1 ns
    a byte) first, then of short strings (~0.5 ns a byte): one regular expression over every text costs
    four times more (the 10,000 files of the benchmark corpus: ~50 ms, ~190 ms)."""
    return (
        "J" in text
        or "Z" in text
        or "@" in text
        or "/" in text
        or "_secret" in text
        or "_live_" in text
        or "_test_" in text
        or "AKIA" in text
        or "gen_salt" in text
    )


@rule(
    id="hardcoded-secret",
    severity=Severity.ERROR,
    help="Move the value out of the migration: into Supabase Vault (`vault.create_secret` run once by hand, "
    "read with `vault.decrypted_secrets`) or a setting (`current_setting('app.…')`), and rotate it: it "
    "is in the git history. Consolidation keeps statements as written, so the clean set still holds it "
    "until the migration is changed.",
)
def hardcoded_secret(ctx: RuleContext) -> Iterator[Hit]:
    """A credential written in clear in a migration: a JWT (Supabase's service_role or anon key), a
    database URL with a password, a Stripe or Supabase secret key, an AWS key pair, a private key, a
    bearer token, a literal passed to ``vault.create_secret``, a password hashed by ``crypt()``.

    Migrations live in git: a key written in one is readable by everyone who can read the repository,
    for ever, and a service_role key bypasses row level security. Each finding names the kind of
    credential and where it is; the value itself is never printed (nor by REPORT.md, JSON or SARIF,
    which print the message). The statement itself is copied into the clean set as written: change
    the migration (read the value from Vault or a setting) and rotate the key.

    Placeholders are not reported: ``<your-key>``, ``${SECRET}``, ``'xxx'``, ``your-password``,
    ``current_setting(...)`` and other expressions, a vault secret that is a URL. A password of a
    database on ``localhost``, the public anon key and the Supabase CLI's local demo keys (issuer
    ``supabase-demo``: the same on every local stack) are warnings; a JWT whose header is not JSON is
    not one. A literal password hashed by ``crypt('...', gen_salt('bf'))`` seeds an account (into
    ``auth.users``): every database the migrations build, production included, accepts that password,
    whatever it is (``admin123`` too). Every file's whole text is read (comments and the down part too:
    they are in git as well). To stay cheap on large directories, each file is first searched for a few
    characters and short strings that every kind of credential above holds; only files that hold one are
    read closely.
    """
    for f in ctx.mdir.files:
        text = f.text
        if not text or not _may_hold_secret(text):
            continue
        seen_end = -1
        for m in _SECRETS.finditer(text):
            if m.start() < seen_end:
                continue
            what = _what(m, text)
            if what is None:
                continue
            seen_end = m.end()
            line = text.count("\n", 0, m.start()) + 1
            column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
            message, severity = what
            yield Hit(
                f"{message} is written in clear in {f.path}:{line}:{column}",
                new_location(f.path, line, column),
                severity=severity,
            )
