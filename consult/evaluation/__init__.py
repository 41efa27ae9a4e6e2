"""Evaluation of the engagement: the questionnaire sent after a session, answered anonymously."""
