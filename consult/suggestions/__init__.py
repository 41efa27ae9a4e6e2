"""Orientation suggestions for comments, computed offline from the consultation's own words."""
