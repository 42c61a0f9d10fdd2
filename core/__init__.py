"""Cross-cutting plumbing: settings and database sessions."""
