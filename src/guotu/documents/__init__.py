"""documents layer of guotu (see DESIGN.md)."""
