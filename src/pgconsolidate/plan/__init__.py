"""The consolidation plan: frozen dataclasses, a commented TOML writer, a reader and its validation."""
