"""Renderers for the findings of ``analyze``: Rich text, versioned JSON, SARIF 2.1.0. Pure: data in,
text or dicts out (the command prints them)."""
