"""web layer of guotu (see DESIGN.md)."""
