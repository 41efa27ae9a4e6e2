"""Modification items: built from comments in the workspace, supported, merged, split, ordered, and
answered by a decision."""
