"""Keep credentials out of everything the tool prints, logs or writes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

#: ``scheme://user:password@`` of any scheme: a user who types ``mysql://`` or ``postgress://`` by mistake
#: still must not see the password echoed back in the error that says the URL is wrong. The password runs
#: to the LAST ``@`` of the URL: generated passwords hold ``/``, ``+`` or ``@`` that users do not
#: percent-encode (``postgresql://u:ab/c@d@host/db``); masking a little too much is the safe side.
_URL_PASSWORD = re.compile(r"(?P<scheme>\b[A-Za-z][\w+.-]*://)(?P<user>[^:@/\s]*):(?P<pw>[^\s'\"]*)@")
#: libpq reads ``u:ab/c@host`` (a password with an unencoded ``/``) as host ``u`` and port ``ab``, and says
#: so: the "port" is the start of the password.
_PORT_VALUE = re.compile(r'(?P<key>invalid integer value ")(?P<pw>[^"]*)(?=" for connection option "port")')
_KV_PASSWORD = re.compile(r"(?P<key>\bpassword\s*=\s*)(?P<pw>'(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_QUERY_PASSWORD = re.compile(r"(?P<key>[?&]password=)(?P<pw>[^&\s]+)", re.IGNORECASE)

MASK = "***"


def redact_url(url: str) -> str:
    """Return ``url`` with any password replaced by ``***``.

    Works for URLs (``postgresql://user:pw@host/db``, ``?password=``) and for
    libpq key/value strings (``host=x password=y``).
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url)
    if parts.scheme and parts.password:
        netloc = parts.netloc
        userinfo, _, hostinfo = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        parts = parts._replace(netloc=f"{user}:{MASK}@{hostinfo}")
        url = urlunsplit(parts)
    return redact_text(url)


def redact_text(text: str) -> str:
    """Mask every password that appears in free text (error messages, logs)."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@" if m["pw"] else m[0], text)
    text = _QUERY_PASSWORD.sub(lambda m: f"{m['key']}{MASK}", text)
    text = _PORT_VALUE.sub(lambda m: f"{m['key']}{MASK}", text)
    return _KV_PASSWORD.sub(lambda m: f"{m['key']}{MASK}", text)


def password_fragments(url: str) -> set[str]:
    """The password of ``url`` (``scheme://user:PASSWORD@host``, to the last ``@``) and its pieces around
    ``@``, ``/`` and ``:`` of 3 characters or more: a driver that misreads an unencoded password quotes
    such a piece as a host or a port (``failed to resolve host 'cdef@127.0.0.1'``)."""
    found: set[str] = set()
    for m in _URL_PASSWORD.finditer(url):
        pw = m["pw"]
        if pw:
            found.add(pw)
            found.update(p for p in re.split(r"[@/:]", pw) if len(p) >= 3)
    for m in _KV_PASSWORD.finditer(url):
        found.add(m["pw"].strip("'"))
    for m in _QUERY_PASSWORD.finditer(url):
        found.add(m["pw"])
    return {f for f in found if len(f) >= 3}


def redact_known(text: str, urls: Iterable[str]) -> str:
    """:func:`redact_text`, then every password (and piece of one) of ``urls`` masked wherever it appears."""
    text = redact_text(text)
    for secret in sorted({f for url in urls for f in password_fragments(url)}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
