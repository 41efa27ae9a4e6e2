"""What the written-submission tests share: a consultation open to submissions, and files to upload."""
from datetime import datetime, timedelta, timezone

from tests.conftest import minimal_document

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100


def open_document(**overrides):
    today = datetime.now(timezone.utc).date()
    values = {"privacy_notice": {"fr": "Nous recueillons votre texte.", "en": "We collect your text."},
              "channels": [{"kind": "submissions", "opens_at": (today - timedelta(days=1)).isoformat(),
                            "closes_at": (today + timedelta(days=30)).isoformat()}]}
    return minimal_document(**{**values, **overrides})
