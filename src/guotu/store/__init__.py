"""store layer of guotu (see DESIGN.md)."""
