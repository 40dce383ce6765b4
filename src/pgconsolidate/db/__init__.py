"""Connections to PostgreSQL: the one place that turns driver errors into one-line user errors."""
