"""The public area."""
