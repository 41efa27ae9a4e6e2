"""Participants: identity by email, profile, and consent per purpose."""
