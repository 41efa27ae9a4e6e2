"""Participants' rights (see, download, correct, withdraw, erase), retention and the incident register."""
