"""Keep credentials out of everything the tool prints, logs or writes."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

#: ``scheme://user:password@`` of any scheme: a user who types ``mysql://`` or ``postgress://`` by mistake
#: still must not see the password echoed back in the error that says the URL is wrong.
_URL_PASSWORD = re.compile(r"(?P<scheme>\b[A-Za-z][\w+.-]*://)(?P<user>[^:@/\s]*):(?P<pw>[^@/\s]*)@")
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
    return _KV_PASSWORD.sub(lambda m: f"{m['key']}{MASK}", text)
