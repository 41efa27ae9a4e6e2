"""How long the browser tests wait. Two test processes share the machine, each with its own server and
Chromium: pages answer slower than on an idle machine, and waiting longer for the same thing costs
nothing when it comes."""
ACTION_MS = 20_000  # clicks, navigations, downloads
EXPECT_MS = 15_000  # expect(...) assertions
