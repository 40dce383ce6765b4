"""Foreign keys of partitioned tables get one proposed index each, on the parent (a real Flyway directory
with a table partitioned by time and a foreign key to another partitioned table got 26 indexes, 7 of
them identical: the catalog holds one constraint per referenced partition, and one per partition)."""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.cli import run

SQL = """
CREATE TABLE orders (id bigint NOT NULL, placed date NOT NULL, PRIMARY KEY (id, placed))
  PARTITION BY RANGE (placed);
CREATE TABLE lines (id bigint NOT NULL, order_id bigint NOT NULL, placed date NOT NULL, qty int,
  PRIMARY KEY (id, placed),
  FOREIGN KEY (order_id, placed) REFERENCES orders (id, placed)) PARTITION BY RANGE (placed);
CREATE TABLE orders_1 PARTITION OF orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE orders_2 PARTITION OF orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE lines_1 PARTITION OF lines FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE lines_2 PARTITION OF lines FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
"""


def test_one_index_per_foreign_key_on_the_parent(tmp_path: Path, capsys) -> None:
    d = tmp_path / "sql"
    d.mkdir()
    (d / "V1__orders.sql").write_text(SQL)
    plan = tmp_path / "p.toml"
    assert run(["plan", str(d), "-o", str(plan), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["indexes"] == 1, plan.read_text()
    text = plan.read_text()
    assert 'table = "public.lines"' in text and 'columns = ["order_id", "placed"]' in text
    assert run(["plan", "--check", str(plan), str(d)]) == 0
