"""Pure SQL generation from a plan: the consolidation fix, the clean set, history repair, REPORT.md."""
