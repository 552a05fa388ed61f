"""Health measures: the latest value of each kind (the home page). Charts come later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from mes_app.db.models import Measure
from mes_app.domain import validation as v
from mes_app.domain.calendar import local_date
from mes_app.domain.access import Action, Section, Target, UserActor, decide
from mes_app.services.access_facts import authorize, load_profile_facts

UNIT_LABELS = {"Cel": "°C", "/min": "/min", "mm[Hg]": "mmHg", "kg": "kg", "cm": "cm", "%": "%", "mg/dL": "mg/dL"}


@dataclass(frozen=True)
class MeasureView:
    kind: str
    value: str  # formatted: "72,5" or "128/82"
    unit: str
    date: str


def format_value(measure: Measure, lang: str = "fr") -> str:
    def number(x: float) -> str:
        text = f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))
        return text.replace(".", ",") if lang == "fr" else text

    if measure.value_secondary is not None:
        return f"{number(measure.value)}/{number(measure.value_secondary)}"
    return number(measure.value)


def latest_measures(session: Session, actor: UserActor, profile_id: object, *, now: datetime, lang: str = "fr") -> list[MeasureView]:
    pid = v.parse_id(profile_id)
    authorize(session, actor, Action.READ, pid, Target(Section.MEASURES), now=now, target_kind="measures")
    session.commit()
    facts = load_profile_facts(session, pid)
    rows = session.exec(
        select(Measure).where(Measure.profile_id == pid).order_by(Measure.measured_at.desc())
    ).all()
    latest: dict[str, Measure] = {}
    for row in rows:
        if row.kind in latest:
            continue
        target = Target(Section.MEASURES, author_user_id=row.author_user_id, author_role=row.author_role,
                        hidden_from_professionals=row.hidden_from_professionals)
        if decide(actor, Action.READ, facts, target, now).visible:
            latest[row.kind] = row
    return [
        MeasureView(kind, format_value(m, lang), UNIT_LABELS.get(m.unit, m.unit), local_date(m.measured_at).isoformat())
        for kind, m in latest.items()
    ]
