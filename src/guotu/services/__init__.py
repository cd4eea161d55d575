"""services layer of guotu (see DESIGN.md)."""
