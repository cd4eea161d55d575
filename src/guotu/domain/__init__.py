"""domain layer of guotu (see DESIGN.md)."""
