"""Queries a command runs itself (a package, not a command: ``cli_app`` skips names starting with ``_``)."""
