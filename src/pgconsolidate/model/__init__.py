"""The object model of a migrations directory (pure: no database, no disk).

* :mod:`.types` — the frozen dataclasses: identities, :class:`~.types.Effect`, detail records,
  :class:`~.types.Schema`, :class:`~.types.Analysis`;
* :mod:`.names` — type and name normalisation (``int4`` → ``integer``);
* :mod:`.deparse` — canonical SQL text of expression fragments;
* :mod:`.effects` — each statement's effects, from libpg_query's JSON trees, assembled from the
  statement families in :mod:`.extract` (``tables``, ``drops``, ``policies``, ``typedefs``,
  ``functions``, ``privileges``, ``session``; shared helpers in ``common``, ``bodies``, ``base``);
* :mod:`.fold` — effects folded in applied order into the final schema and timelines.

The driver that runs all of this on a directory is :func:`pgconsolidate.analysis.analyze_dir`.
"""
