"""The analysis backfill: every origin of every channel becomes its comment (channels/derive.py holds
the rules; the `derive-comments` command and the demo data call this)."""
from ..channels import by_origin
from ..channels.derive import Tally


def derive_all(consultation) -> dict:
    """Create or bring up to date the comment of every answer, excerpt and note of the consultation.
    Running it again changes nothing. Returns {"created", "updated", "unchanged", "deleted"}."""
    tally = Tally()
    for channel in by_origin():
        tally.add(channel.sync_all(consultation))
    return tally.as_dict()
