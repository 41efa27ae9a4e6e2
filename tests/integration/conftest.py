"""Fixtures the integration tests share beyond tests/conftest.py."""
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.models import Topic
from consult.structure.importer import import_structure
from tests.submission_data import open_document


@pytest.fixture
def submissions_open(app):
    """A consultation open to written submissions, and its topic 1.1 (a test module with another
    scenario defines its own fixture)."""
    with app.app_context():
        consultation = import_structure(open_document(), source="test").consultation
        db.session.commit()
        topic = db.session.scalar(select(Topic).where(Topic.consultation_id == consultation.id,
                                                      Topic.code == "1.1"))
        return SimpleNamespace(id=consultation.id, slug=consultation.slug, topic_id=topic.id)
