"""cli layer of guotu (see DESIGN.md)."""
