"""REPORT.md's "Files" section reads in order: the clean-set files are listed right under the "after:" line
they detail, before the fix's line and before the "In the files, not in the live database" section (they
came after both, separated from "after:" by a blank line and by that section when it was there)."""

from __future__ import annotations

from pgconsolidate.generate.cleanset import CleanFile
from pgconsolidate.generate.report import generate_report
from pgconsolidate.plan.facts import DataFacts
from pgconsolidate.plan.model import Plan
from pgconsolidate.sources.model import MigrationDir, Scheme


def _files_section(files_only: tuple[str, ...]) -> list[str]:
    clean = [
        CleanFile("20260101000001_schemas.sql", "extensions", "20260101000001", "", ("SCHEMA app",)),
        CleanFile(
            "20260101000002_initial_schema.sql",
            "initial_schema",
            "20260101000002",
            "",
            ("TABLE a", "TABLE b"),
        ),
    ]
    text = generate_report(
        None,
        (),
        {},
        {},
        {},
        Plan("m", "goose", ()),
        MigrationDir("m", Scheme.GOOSE, ()),
        clean,
        (),
        (),
        (),
        "20260101000000_consolidation_fix.sql",
        None,
        DataFacts("chain"),
        files_only=files_only,
    )
    lines = text.splitlines()
    start = lines.index("## Files")
    end = lines.index("## How to use this output")
    return lines[start:end]


def test_clean_files_under_after_line() -> None:
    section = _files_section(())
    after = next(i for i, ln in enumerate(section) if ln.startswith("* after: 2 clean-set files"))
    assert section[after + 1 : after + 4] == [
        "  * `20260101000001_schemas.sql`: 1 object",
        "  * `20260101000002_initial_schema.sql`: 2 objects",
        "* `20260101000000_consolidation_fix.sql`: for databases that already exist; `history_repair.sql`: "
        "marks the clean set applied",
    ]
    assert section[after + 4 :] == [""]  # one blank line before the next section


def test_files_only_section_after_the_list() -> None:
    section = _files_section(("`public.t`: left out of the clean set",))
    after = next(i for i, ln in enumerate(section) if ln.startswith("* after: 2 clean-set files"))
    assert section[after + 1].startswith("  * `20260101000001_schemas.sql`")
    assert section[after + 3].startswith("* `20260101000000_consolidation_fix.sql`")
    assert section[after + 4 : after + 6] == ["", "## In the files, not in the live database"]
    assert section[-2:] == ["* `public.t`: left out of the clean set", ""]
    assert not any(ln.startswith("  * `") for ln in section[after + 4 :])
