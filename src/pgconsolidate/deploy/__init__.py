"""Changing a live database safely: verified backups, the apply runner, probes/checks and rollback.

This is the deploy layer of the pipeline (it does I/O: client binaries, files under ``.pgconsolidate/``
and the live database). Modules:

* ``tools``    — running pg_dump / pg_restore / psql without putting credentials on a command line.
* ``dbinfo``   — facts about a live database: version, recovery, size, exact row counts, catalog fingerprint.
* ``manifest`` — the JSON manifest written next to every backup, and finding the latest backup.
* ``backup``   — ``pg_dump -Fc``, then restore into a scratch database and compare (verification).
* ``lock``     — the advisory lock that keeps two applies from running at once.
* ``apply``    — pending migrations (or a consolidate output), each in its own transaction.
* ``probes``   — behaviour probes from a TOML file, run inside a transaction that is rolled back.
* ``checks``   — the guide's checklist, automated.
* ``rollback`` — restore a backup in place, after a safety backup.
"""
