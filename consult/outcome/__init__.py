"""The consultation's outcome: its level of participation, the public "what we heard, what was done"
page, the publishing that tells every participant what came of their comments, and the review of the
report's frozen versions by partners."""
