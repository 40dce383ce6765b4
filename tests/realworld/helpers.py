"""Shared steps of the real-world reproductions."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run


def migrations(tmp_path: Path, files: dict[str, str], sub: str = "migrations") -> Path:
    """A migrations directory ``tmp_path/sub`` holding ``files`` (name -> SQL)."""
    d = tmp_path / sub
    d.mkdir(parents=True)
    for name, text in files.items():
        (d / name).write_text(text)
    return d


def consolidated(tmp_path: Path, d: Path) -> Path:
    """Plan ``d`` (``tmp_path/p.toml``) and consolidate it with that plan into ``tmp_path/out``; both must
    succeed. Returns the output directory."""
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    assert run(["consolidate", str(d), "--plan", str(plan), "--out", str(out)]) == 0
    return out
