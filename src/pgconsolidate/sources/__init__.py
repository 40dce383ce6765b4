"""Stage 1: a migrations directory as data (the only stage-1 I/O is in :mod:`reader`)."""
