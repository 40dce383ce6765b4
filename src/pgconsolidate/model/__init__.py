"""The object model: effects of statements on objects (:mod:`.effects`), folded into the final schema
(:mod:`.fold`). Data types live in :mod:`.types`."""
