"""The demo consultation's sessions and participation: `flask consult seed-demo [--with-activity]`.

forums.py lays out its sessions; activity.py fills it with people, responses, submissions, notes,
comments, codes and memos (builder.py for people and sessions, records.py for what they leave);
the texts are data files under data/."""
