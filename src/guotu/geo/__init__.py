"""geo layer of guotu (see DESIGN.md)."""
