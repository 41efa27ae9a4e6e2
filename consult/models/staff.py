"""Staff accounts and the roles they hold. Participants never get passwords."""
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..permissions import user_can
from .base import UTCDateTime, utcnow

ROLES = ("admin", "organizer", "analyst", "coordinator")


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    # Part of the login cookie: changing it signs the account out everywhere.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    role_rows = relationship("StaffRole", back_populates="user", cascade="all, delete-orphan",
                             lazy="selectin")

    # The consultation this account is acting in during the current request (set by the permission
    # guard of views under a consultation); its roles there add to the site-wide ones.
    acting_in = None  # a plain attribute, not a column

    @property
    def site_roles(self) -> set[str]:
        return {row.role for row in self.role_rows if row.consultation_id is None}

    def roles_in(self, consultation_id: int | None) -> set[str]:
        return {row.role for row in self.role_rows
                if row.consultation_id is None or row.consultation_id == consultation_id}

    @property
    def roles(self) -> set[str]:
        return self.roles_in(self.acting_in)

    @property
    def scoped_consultation_ids(self) -> set[int]:
        return {row.consultation_id for row in self.role_rows if row.consultation_id is not None}

    def may_enter(self, consultation_id: int) -> bool:
        """Any role site-wide, or one in this consultation: an analyst of one consultation sees no other."""
        return bool(self.roles_in(consultation_id))

    def can(self, permission: str, consultation=None) -> bool:
        return user_can(self, permission, consultation)

    def grant(self, role: str, consultation_id: int | None = None) -> None:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; choose from {', '.join(ROLES)}")
        if not any(row.role == role and row.consultation_id == consultation_id for row in self.role_rows):
            self.role_rows.append(StaffRole(role=role, consultation_id=consultation_id))

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def __repr__(self):
        return f"<StaffUser {self.email}>"


class StaffRole(db.Model):
    __tablename__ = "staff_role"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "consultation_id"),
        CheckConstraint("role IN ('admin','organizer','analyst','coordinator')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    # None: the role holds in every consultation; else only in this one.
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"),
                                                        index=True)

    user = relationship("StaffUser", back_populates="role_rows")
