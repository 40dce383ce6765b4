"""Shared helpers of the rule tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ai-memory"
EXAMPLE_MIGRATIONS = EXAMPLE / "supabase" / "migrations"


def write_dir(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create ``root`` with the given files (text or bytes)."""
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root
