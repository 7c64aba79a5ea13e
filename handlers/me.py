"""`me`: my own numbers, and my department and reminder settings."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from handlers import outcomes
from handlers.model import Fact, Reply, Request, Section, Status
from handlers.redaction import redact
from handlers.services import Services
from storage import wins
from storage.people import set_days_off, set_department, set_reminders


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f} h"


async def handle(request: Request, services: Services) -> Reply:
    words = request.text.strip()
    head, _, rest = words.partition(" ")
    if head.lower() == "department":
        return await _department(request, services, rest.strip())
    if head.lower() in ("reminders", "reminder"):
        return await _reminders(request, services, rest.strip().lower())
    if head.lower() == "days" and rest.lower().startswith("off"):
        return await _days_off(request, services, rest[3:].strip().lower())
    return await _summary(request, services)


async def _summary(request: Request, services: Services) -> Reply:
    today = services.today()
    tomorrow = today + timedelta(days=1)

    def work(session: Session):
        person = services.person(session, request.actor, request.platform)
        week = wins.person_totals(session, person_id=person.id or 0, start=week_start(today), end=tomorrow)
        quarter = wins.person_totals(
            session, person_id=person.id or 0, start=quarter_start(today), end=tomorrow
        )
        top = wins.top_outcomes(session, person_id=person.id or 0, start=quarter_start(today), end=tomorrow)
        return person, week, quarter, top

    person, week, quarter, top = await services.transaction(work)
    facts = [
        Fact("This week", f"{week.wins} win{'s' if week.wins != 1 else ''}, {_hours(week.minutes)} saved"),
        Fact(
            "This quarter",
            f"{quarter.wins} win{'s' if quarter.wins != 1 else ''}, {_hours(quarter.minutes)} saved",
        ),
    ]
    if top:
        facts.append(Fact("Top outcomes", ", ".join(f"{outcomes.label(c)} ({_hours(m)})" for c, m in top)))
    facts.append(Fact("Department", person.department or "not set (`me department NAME`)"))
    facts.append(Fact("Weekly reminder", "on" if person.reminders else "off (`me reminders on`)"))
    headline = f"{person.display_name or 'You'}: {_hours(quarter.minutes)} saved with AI this quarter"
    return Reply(status=Status.INFO, headline=headline, sections=(Section(facts=tuple(facts)),))


async def _department(request: Request, services: Services, name: str) -> Reply:
    if not name:
        return Reply(status=Status.ERROR, headline="Which department? For example: `me department Finance`.")
    if len(name) > 120:
        return Reply(
            status=Status.ERROR, headline="That department name is too long; 120 characters at most."
        )
    entry = services.directory.lookup(request.actor)
    if entry is not None and entry.department:
        return Reply(
            status=Status.INFO,
            headline=f"The people directory lists you in {entry.department}.",
            sections=(Section(text="Ask your admin to update the directory if that is wrong."),),
        )

    def work(session: Session) -> str:
        person = services.person(session, request.actor, request.platform)
        return set_department(session, person_id=person.id or 0, department=redact(name)).department or ""

    department = await services.transaction(work)
    return Reply(status=Status.SUCCESS, headline=f"Got it: you are in {department}.")


async def _reminders(request: Request, services: Services, choice: str) -> Reply:
    if choice not in ("on", "off"):
        return Reply(status=Status.ERROR, headline="Say `me reminders on` or `me reminders off`.")

    def work(session: Session) -> None:
        person = services.person(session, request.actor, request.platform)
        set_reminders(session, person_id=person.id or 0, enabled=choice == "on")

    await services.transaction(work)
    if choice == "on":
        return Reply(
            status=Status.SUCCESS,
            headline="Weekly reminder on: I'll ask once a week what AI helped you with.",
        )
    return Reply(
        status=Status.SUCCESS, headline="Weekly reminder off. Turn it back on with `me reminders on`."
    )


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


async def _days_off(request: Request, services: Services, text: str) -> Reply:
    days = [d.strip()[:3] for d in text.replace(" and ", ",").replace(" ", ",").split(",") if d.strip()]
    if text in ("none", "no", ""):
        days = []
    elif not days or any(d not in WEEKDAYS for d in days):
        return Reply(
            status=Status.ERROR, headline="Say which days, e.g. `me days off fri` or `me days off sat,sun`."
        )

    def work(session: Session) -> None:
        person = services.person(session, request.actor, request.platform)
        set_days_off(session, person_id=person.id or 0, days=days)

    await services.transaction(work)
    if not days:
        return Reply(status=Status.SUCCESS, headline="No days off noted; reminders may come any day.")
    return Reply(status=Status.SUCCESS, headline=f"Noted: no reminders on {', '.join(days)}.")


async def stop(request: Request, services: Services) -> Reply:
    """`stop reminders`: the words people use, and the button on every reminder."""
    return await _reminders(request, services, "off")
