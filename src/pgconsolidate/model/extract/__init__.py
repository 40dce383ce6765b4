"""Effects extraction by statement family; :mod:`pgconsolidate.model.effects` assembles it."""
