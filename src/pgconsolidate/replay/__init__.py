"""Replay: build a migration chain in a fresh scratch database the way its owning tool would, and report
every failure with a hint and the root cause it cascades from."""

from pgconsolidate.replay.model import (
    FileOutcome,
    HistoryRow,
    Location,
    ReplayFailure,
    ReplayResult,
    Skipped,
    StandIn,
)
from pgconsolidate.replay.runner import replay_dir, replay_into
from pgconsolidate.replay.snapshot import replay_to_snapshot

__all__ = [
    "FileOutcome",
    "HistoryRow",
    "Location",
    "ReplayFailure",
    "ReplayResult",
    "Skipped",
    "StandIn",
    "replay_dir",
    "replay_into",
    "replay_to_snapshot",
]
