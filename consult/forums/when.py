"""Forum times: typed and shown in the consultation's time zone, stored in UTC.

Formatting goes through Babel directly with an explicit time zone: flask_babel's
format_datetime would convert again to the application's default zone, which is wrong for
a consultation held in another one.
"""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, get_timezone_name
from flask_babel import gettext as _

from .. import dates
from ..dates import regional_locale


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped when clocks go forward (e.g. 02:30 on the spring change)."""


def to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    local = datetime.combine(day, at).replace(tzinfo=tz)
    utc = local.astimezone(timezone.utc)
    # A skipped time does not survive the round trip; an ambiguous one (autumn) takes the first.
    if utc.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(local.isoformat())
    return utc


def local_parts(moment: datetime, tz: ZoneInfo) -> tuple[date, time]:
    local = moment.astimezone(tz)
    return local.date(), local.time().replace(second=0, microsecond=0)


def _locale():
    return regional_locale()


def format_day(moment: datetime, tz: ZoneInfo) -> str:
    return format_skeleton("yMMMEd", moment.astimezone(tz), locale=_locale())


def format_clock(moment: datetime, tz: ZoneInfo) -> str:
    return dates.format_clock(moment, tz)


def format_moment(moment: datetime | None, tz: ZoneInfo) -> str:
    """"Tue, May 12, 2026 1:30 PM" in the interface language, in the given zone."""
    if moment is None:
        return ""
    return f"{format_day(moment, tz)} {format_clock(moment, tz)}"


def session_span(start: datetime, end: datetime, tz: ZoneInfo, style: str = "short") -> str:
    """A session's time span in the interface language and the given zone; the end's day is repeated
    only if it differs. "short" for staff pages: "Tue, May 12, 2026 1:30 PM – 3:00 PM"; "full" for
    participants' pages and emails: "Thursday, June 10, 2027, 1:30 p.m. – 3:00 p.m."."""
    same_day = start.astimezone(tz).date() == end.astimezone(tz).date()
    if style == "short":
        tail = format_clock(end, tz) if same_day else format_moment(end, tz)
        return f"{format_moment(start, tz)} – {tail}"
    if same_day:
        return _("%(day)s, %(start)s – %(end)s", day=dates.format_day(start, "full", tz),
                 start=format_clock(start, tz), end=format_clock(end, tz))
    return _("%(start_day)s, %(start)s – %(end_day)s, %(end)s",
             start_day=dates.format_day(start, "full", tz), start=format_clock(start, tz),
             end_day=dates.format_day(end, "full", tz), end=format_clock(end, tz))


def zone_name(tz: ZoneInfo) -> str:
    """"Eastern Time (America/Montreal)"."""
    name = get_timezone_name(tz, "long", locale=_locale(), zone_variant="generic")
    return f"{name} ({tz.key})"
