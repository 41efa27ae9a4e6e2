"""The auth area."""
