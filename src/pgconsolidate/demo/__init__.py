"""The example's production database: built the way a hand-maintained production got its state."""

from pgconsolidate.demo.production import (
    DEFAULT_NAME,
    ProductionDb,
    build_production_db,
    build_production_into,
)

__all__ = ["DEFAULT_NAME", "ProductionDb", "build_production_db", "build_production_into"]
