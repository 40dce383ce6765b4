"""The analysis driver: a MigrationDir in, statements + effects + folded schema out (see :mod:`.driver`)."""

from pgconsolidate.analysis.driver import analyze_dir, analyze_files, analyze_listed

__all__ = ["analyze_dir", "analyze_files", "analyze_listed"]
