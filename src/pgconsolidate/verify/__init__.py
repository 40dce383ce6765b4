"""Proof of equivalence on scratch databases (the I/O layer of ``consolidate`` and ``verify``)."""
