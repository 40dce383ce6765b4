"""Rule ``mixed-version-schemes``: files use different version styles (short numbers, dates, timestamps)."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.sources.model import Scheme

STYLE_NAMES = {
    "short": "short-number",
    "date8": "date-only",
    "timestamp14": "timestamp",
    "dotted": "dotted",
    "none": "unversioned",
}


def style_name(style: str) -> str:
    return STYLE_NAMES.get(style, style)


_FLYWAY = Scheme.FLYWAY
_REPEATABLE = Scheme.FLYWAY_REPEATABLE


def _style_key(scheme: Scheme, style: str) -> tuple[str, str]:
    """Flyway compares versions numerically part by part (1 < 1.1 < 2): its short and dotted versions
    are one ordering, not two."""
    if scheme == _FLYWAY and style in ("short", "dotted"):
        style = "short"
    return (scheme.value, style)


@rule(
    id="mixed-version-schemes",
    severity=Severity.WARNING,
    help="Rename the files to one scheme (for Supabase: 14-digit timestamps) in the order they were really "
    "applied; `pgconsolidate consolidate` produces such a set.",
)
def mixed_version_schemes(ctx: RuleContext) -> Iterator[Hit]:
    """The files use different version styles: short numbers, dates, full timestamps, or tools.

    Tools order files by comparing versions as strings (Supabase, dbmate) or numbers (golang-migrate),
    so ``009_x.sql`` runs before ``20250119_y.sql`` even if it was written months later, and a full
    timestamp sorts before a date-only file of the same day. The order on a fresh database is then not
    the order production saw. One finding at the first file of each style other than the first file's.
    """
    files = ctx.mdir.files
    if not files:
        return
    first = next((f for f in files if f.scheme != _REPEATABLE), files[0])
    base = _style_key(first.scheme, first.filename.version_style)
    seen = {base}
    seen_names: set[tuple[Scheme, str]] = set()  # (scheme, version style) pairs already looked at
    for mf in files:
        name = mf.filename
        scheme = name.scheme
        if scheme == _REPEATABLE:
            continue  # repeatable migrations are part of Flyway's scheme, not another one
        style_of = name.version_style
        if (scheme, style_of) in seen_names:
            continue  # most files: the style of an earlier file (no key to make again)
        seen_names.add((scheme, style_of))
        key = _style_key(scheme, style_of)
        if key in seen:
            continue
        seen.add(key)
        style = style_name(mf.filename.version_style)
        if mf.scheme != first.scheme:
            style_desc = f"{mf.scheme.value} naming"
            obj = mf.scheme.value
        else:
            style_desc = f"{style} version"
            obj = style
        yield Hit(
            f"{mf.path} starts the {style_desc} files ({mf.version or 'no version'}), after "
            f"{style_name(first.filename.version_style)} versions such as {first.path}: string order is not "
            "the order they were written",
            Location(mf.path),
            (Location(first.path),),
            (obj,),
        )
