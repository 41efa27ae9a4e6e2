"""Recordings' transcripts: upload and speaker mapping (organizers), reading and placing turns on
topics (analysts); each placed passage is a comment of the "transcript" channel."""
