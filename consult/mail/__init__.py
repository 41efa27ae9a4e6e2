"""Outgoing email: the outbox table and its delivery over SMTP."""
