"""A stamp per kind of data, replaced whenever that data changes: caches keep what they computed
under the stamp they read, and a different stamp means it is stale. Stamps are random, not counted,
so a database emptied and filled again never hands back a stamp some cache already holds."""
from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class ChangeStamp(db.Model):
    __tablename__ = "change_stamp"

    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    stamp: Mapped[int] = mapped_column(BigInteger)
