"""reports layer of guotu (see DESIGN.md)."""
