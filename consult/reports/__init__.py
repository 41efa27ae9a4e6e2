"""What coordinators publish: the "what we heard" report draft and the participation dashboard."""
