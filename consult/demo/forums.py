"""Forums and interview slots for the demo consultation, laid out as the 2025 consultation ran
them and placed in the three weeks after the demo is loaded:
four 90-minute forums on the whole policy (Québec track), six 75-minute forums on one theme
each (Canadian track), and one-hour interviews for experts who could not attend."""
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import Consultation, Forum, Topic

QC_FORUM = {
    "fr": "Forum du volet québécois no\u00a0{n}\u00a0: la politique dans son ensemble",
    "en": "Québec track forum no. {n}: the policy as a whole",
}
QC_DESCRIPTION = {
    "fr": "Forum de 90 minutes sur toute la proposition\u00a0: vision, objectifs, fondements, orientations et "
          "cibles de changement. Le tableau synoptique vous est envoyé la semaine précédant le forum.",
    "en": "A 90-minute forum on the whole proposal: vision, objectives, foundations, orientations and change "
          "targets. The synoptic table is sent to you the week before the forum.",
}
CA_THEMES = [
    ({"fr": "L'accès et l'affiliation", "en": "Access and attachment"}, ["1.1", "1.3"]),
    ({"fr": "Les enjeux de main-d'œuvre", "en": "Workforce issues"}, ["1.4", "4.3"]),
    ({"fr": "Les soins intégrés et complets", "en": "Integrated and comprehensive care"}, ["1.2", "2.1"]),
    ({"fr": "L'équité et les déterminants sociaux de la santé", "en": "Equity and the social determinants of health"},
     ["1.2", "2.2"]),
    ({"fr": "La recherche, l'innovation et l'amélioration continue de la qualité",
      "en": "Research, innovation and continuous quality improvement"}, ["5.1", "5.2", "5.3", "5.4"]),
    ({"fr": "La gouvernance et le financement", "en": "Governance and funding"}, ["3.1", "4.2"]),
]
CA_DESCRIPTION = {
    "fr": "Forum de 75 minutes sur un thème\u00a0: commentez les données probantes qui sous-tendent les orientations "
          "et partagez l'expérience des autres provinces et pays. Un dossier d'information vous est envoyé la "
          "semaine précédant le forum.",
    "en": "A 75-minute forum on one theme: comment on the evidence behind the orientations and share the "
          "experience of other provinces and countries. An information package is sent to you the week before "
          "the forum.",
}
RECORDING = {
    "fr": "Le forum est enregistré pour faciliter l'analyse. L'enregistrement n'est pas diffusé.",
    "en": "The forum is recorded to support the analysis. The recording is not published.",
}
INTERVIEW = {"fr": "Entretien individuel (1 heure)", "en": "Individual interview (1 hour)"}
INTERVIEW_DESCRIPTION = {
    "fr": "Pour les expertes et experts qui ne peuvent pas participer aux forums\u00a0: "
          "un entretien d'environ une heure "
          "sur tous les aspects de la politique.",
    "en": "For experts who cannot attend the forums: an interview of about one hour on every aspect of the policy.",
}


def _weekday_after(day, offset_days):
    """A working day, so that the demo's sessions all fall within its forum sign-up period."""
    day = day + timedelta(days=offset_days)
    while day.weekday() >= 5 or (day.month, day.day) in {(12, 25), (12, 26), (1, 1)}:
        day += timedelta(days=1)
    return day


def add_demo_forums(consultation: Consultation, today, series: int = 1) -> int:
    """Create the demo sessions unless the consultation already has forums; returns how many.

    `series` 2 adds a second round of the same sessions after the first was held (the demo with
    activity), numbered on from the first, unless sessions are still to come."""
    existing = select(func.count(Forum.id)).where(Forum.consultation_id == consultation.id)
    if series > 1:
        existing = existing.where(Forum.starts_at >= datetime.combine(today, time(0), tzinfo=consultation.tz))
    if db.session.scalar(existing):
        return 0
    first = 4 * (series - 1)
    tz = consultation.tz
    tracks = {track.code: track for track in consultation.tracks}
    topics = {topic.code: topic for topic in db.session.scalars(
        select(Topic).where(Topic.consultation_id == consultation.id))}
    axes = [topic for topic in topics.values() if topic.kind == "axis"]
    forums = []

    def at(day, hour, minute=0):
        return datetime.combine(day, time(hour, minute), tzinfo=tz)

    def text(pair, prefix):
        return {f"{prefix}_fr": pair["fr"], f"{prefix}_en": pair["en"]}

    for number in range(first + 1, first + 5):
        day = _weekday_after(today, 5 * (number - first) - 2)
        forums.append(Forum(
            consultation_id=consultation.id, track=tracks.get("qc"), kind="forum",
            starts_at=at(day, 12), duration_minutes=90, capacity=20, language="fr", recorded=True,
            meeting_link=f"https://meet.example.org/consult-qc-{number}", prereading_kind="synoptic",
            topics=list(axes), **text({k: v.format(n=number) for k, v in QC_FORUM.items()}, "title"),
            **text(QC_DESCRIPTION, "description"), **text(RECORDING, "recording_notice"),
        ))
    for number, (title, codes) in enumerate(CA_THEMES, start=1):
        day = _weekday_after(today, 1 + 3 * number)
        forums.append(Forum(
            consultation_id=consultation.id, track=tracks.get("ca"), kind="forum",
            starts_at=at(day, 13), duration_minutes=75, capacity=15, language="en", recorded=True,
            meeting_link=f"https://meet.example.org/consult-ca-{number + 6 * (series - 1)}", prereading_kind="dossier",
            topics=[topics[code] for code in codes if code in topics], **text(title, "title"),
            **text(CA_DESCRIPTION, "description"), **text(RECORDING, "recording_notice"),
        ))
    interview_day = _weekday_after(today, 9)
    for slot in range(3):
        forums.append(Forum(
            consultation_id=consultation.id, track=tracks.get("ca"), kind="interview",
            starts_at=at(interview_day, 10 + slot * 2), duration_minutes=60, capacity=1, language="bilingual",
            meeting_link=f"https://meet.example.org/consult-interview-{slot + 1 + 3 * (series - 1)}",
            prereading_kind="synoptic",
            topics=list(axes), **text(INTERVIEW, "title"), **text(INTERVIEW_DESCRIPTION, "description"),
        ))
    db.session.add_all(forums)
    db.session.flush()
    return len(forums)
