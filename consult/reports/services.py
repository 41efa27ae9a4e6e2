"""What the report views record: every download of the report draft or of the participation figures
is an export, and is audited."""
from ..audit import record as audit
from ..extensions import db
from ..models import Consultation


def record_report_download(consultation: Consultation, actor_id: int | None, lang: str, fmt: str) -> None:
    audit(actor_id, "report.draft_download", "consultation", consultation.id, consultation.id, lang=lang, format=fmt)
    db.session.flush()


def record_participation_export(consultation: Consultation, actor_id: int | None, rows: int) -> None:
    audit(actor_id, "report.participation_export", "consultation", consultation.id, consultation.id, rows=rows)
    db.session.flush()


def download_name(consultation: Consultation, what: str, lang: str, extension: str) -> str:
    """An ASCII file name: the slug is already safe, the rest is ours."""
    suffix = f"-{lang}" if lang else ""
    return f"{consultation.slug}-{what}{suffix}.{extension}"
