"""The findings of ``analyze``: one module per rule, registered with :func:`registry.rule`.

Importing :func:`pgconsolidate.rules.registry.all_rules` discovers every rule module in this package.
"""
