"""The analysis workspace: every comment from every channel, grouped by axis and orientation,
searched, filtered and coded, by one coder or two."""
