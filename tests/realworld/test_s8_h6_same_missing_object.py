"""cal.com (Prisma): the stored history never creates "Booking" or "EventTypeCustomInput", and five
statements of one file (and three of three files) fail on each. The replay listed every one of them as a
root cause of its own (23 root causes for 9 missing objects). Now a failure on an object no statement
creates that an earlier failure already found missing is grouped under that first failure ('same
missing object'); the first keeps its hint, which now also names a migration deleted or edited since
(cal.com's case; the dashboard alone is Supabase's)."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run
from pgconsolidate.replay.runner import replay_into
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

_FILES = {
    "20210717120159_booking_confirmation.sql": 'ALTER TABLE "Booking" ADD COLUMN "confirmed" BOOLEAN;\n',
    "20210725123357_add_location_to_booking.sql": 'ALTER TABLE "Booking" ADD COLUMN "location" TEXT;\n',
    "20210814175645_custom_inputs.sql": 'ALTER TABLE "Other" RENAME COLUMN "type" TO "type_old";\n'
    'ALTER TABLE "Other" DROP COLUMN "type_old";\n',
}


def test_one_root_cause_per_missing_object(tmp_path: Path, scratch_db: str, capsys) -> None:
    d = migrations(tmp_path, _FILES)
    result = replay_into(scratch_db, read_dir(str(d)), keep_going=True)
    assert len(result.failures) == 4
    roots = [f for f in result.failures if f.root_cause is None]
    assert [(f.file, f.line) for f in roots] == [
        ("20210717120159_booking_confirmation.sql", 1),
        ("20210814175645_custom_inputs.sql", 1),
    ]
    second = next(f for f in result.failures if f.file.startswith("20210725123357"))
    assert second.root_cause is not None and second.root_cause.file.startswith("20210717120159")
    assert second.hint.startswith("same missing object as at 20210717120159_booking_confirmation.sql:1")
    assert "created by no earlier migration" in roots[0].hint
    assert "deleted or edited since" in roots[0].hint  # not only Supabase's dashboard
    capsys.readouterr()
    assert run(["replay", str(d), "--keep-going"]) == 1
    text = capsys.readouterr().out
    assert "2 root causes, 4 errors" in text
    assert "    same 20210725123357_add_location_to_booking.sql:1" in text
