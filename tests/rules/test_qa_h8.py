"""Fresh-eyes QA regressions for the rules (found on a Flyway directory nobody had seen)."""

from __future__ import annotations


def test_flyway_dotted_versions_are_not_another_scheme(check):
    """Flyway orders ``V1``, ``V1.1``, ``V2`` numerically part by part: one ordering, no warning."""
    files = {"V1__a.sql": "select 1;", "V1.1__b.sql": "select 1;", "V2__c.sql": "select 1;"}
    assert check("mixed-version-schemes", files) == []
