# -*- coding: utf-8 -*-
"""Service levels of access requests: the one place that says which step a
request waits in, for whom, when it is due, and whether it is late.

Steps and their targets (``ckanext.utt1service.target_days_*``):

========== ============================ ============ ======================
step       the request is               waits for    counted from
========== ============================ ============ ======================
check      ``submitted``                staff        entering the queue
decision   ``checked``                  director     being checked
delivery   ``approved``, e-mail/paper   staff        the approval
overall    any of the above             –            entering the queue
========== ============================ ============ ======================

An approved request to be downloaded waits for the requester, not for the
office: it has no step due (its overall service ended with the approval). A
returned request waits for the requester too; sent again, its clocks start
again (``submitted_at``). Days are Bangkok days, calendar days or working
days (``common/workdays.py``). A step is due on its start day plus the
target; it is *late* from the next day, *due soon* when at most
``due_soon_days`` days are left. The due date shown is the earlier of the
step's and the overall one.
"""
from __future__ import annotations

import dataclasses
import datetime
import logging
import statistics
from typing import Any, Iterable, Optional

import ckan.plugins.toolkit as tk

from ckanext.utt1service.access_requests.model import AccessRequest
from ckanext.utt1service.common import workdays
from ckanext.utt1service.common.i18n import N_

__all__ = [
    "STEPS",
    "WAITING_STATES",
    "targets",
    "step_of",
    "status",
    "summary",
    "finished_steps",
]

#: the steps, in order, with their label (an English msgid)
STEPS: dict[str, str] = {
    "check": N_("Check by the staff"),
    "decision": N_("Decision of the director"),
    "delivery": N_("Delivery"),
    "overall": N_("Whole service"),
}

#: the states in which a request may wait for the office
WAITING_STATES = ("submitted", "checked", "approved")

#: who acts in each step
ROLE_OF_STEP = {"check": "staff", "decision": "director", "delivery": "staff"}


log = logging.getLogger(__name__)

#: the whole service's target when no option sets it
DEFAULT_OVERALL_DAYS = 15
#: the service report's former option, now an alias of ``target_days_overall``
DEPRECATED_OVERALL_OPTION = "ckanext.utt1service.request_target_days"
_warned: list[bool] = []


def overall_target() -> int:
    """``target_days_overall``; else the deprecated ``request_target_days``
    (a warning, once per process); else 15. Read here rather than by CKAN's
    ``legacy_key``, which misses an old option set by an environment
    variable (ckanext-envvars sets it after the defaults are filled in)."""
    value = tk.config.get("ckanext.utt1service.target_days_overall")
    if value not in (None, ""):
        return int(value)
    old = tk.config.get(DEPRECATED_OVERALL_OPTION)
    if old not in (None, ""):
        if not _warned:
            _warned.append(True)
            log.warning("Config option '%s' is deprecated. Use "
                        "'ckanext.utt1service.target_days_overall' instead "
                        "(its value, %s days, is used as that target)", DEPRECATED_OVERALL_OPTION, old)
        return int(old)
    return DEFAULT_OVERALL_DAYS


def targets() -> dict[str, int]:
    """The target days of each step and of the whole service."""
    found = {step: int(tk.config.get(f"ckanext.utt1service.target_days_{step}") or 0)
             for step in STEPS if step != "overall"}
    found["overall"] = overall_target()
    return found


def due_soon_days() -> int:
    return int(tk.config.get("ckanext.utt1service.due_soon_days") or 0)


def step_of(request: Any) -> Optional[str]:
    """The step a request (model or dict) waits in for the office, or None."""
    state = _get(request, "state")
    if state == "submitted":
        return "check"
    if state == "checked":
        return "decision"
    if state == "approved" and _get(request, "delivery_channel") in ("email", "paper"):
        return "delivery"
    return None


def _get(request: Any, key: str) -> Any:
    return request.get(key) if isinstance(request, dict) else getattr(request, key)


@dataclasses.dataclass
class Status:
    step: str
    waiting_for: str
    step_due: datetime.date
    overall_due: datetime.date
    due: datetime.date
    days_left: int
    late: bool
    days_late: int
    due_soon: bool

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for key in ("step_due", "overall_due", "due"):
            data[key] = data[key].isoformat()
        return data


def status(request: AccessRequest, today: Optional[datetime.date] = None,
           calendar: Optional[workdays.Calendar] = None,
           goals: Optional[dict[str, int]] = None) -> Optional[Status]:
    """Where a request stands against its service levels (None when it does
    not wait for the office)."""
    step = step_of(request)
    if step is None:
        return None
    calendar = calendar or workdays.configured()
    goals = goals or targets()
    today = today or workdays.today()
    received = request.submitted_at or request.created
    started = request.state_since or request.modified or received
    step_due = calendar.add(workdays.bangkok_day(started), goals[step])
    overall_due = calendar.add(workdays.bangkok_day(received), goals["overall"])
    due = min(step_due, overall_due)
    left = calendar.between(today, due)
    return Status(
        step=step,
        waiting_for=ROLE_OF_STEP[step],
        step_due=step_due,
        overall_due=overall_due,
        due=due,
        days_left=max(left, 0),
        late=left < 0,
        days_late=max(-left, 0),
        due_soon=0 <= left <= due_soon_days(),
    )


def summary(requests: Iterable[AccessRequest],
            today: Optional[datetime.date] = None) -> dict[str, dict[str, int]]:
    """Per role (``staff``, ``director``): how many requests wait, how many
    of them are late, due soon, and late beyond the escalation days."""
    calendar, goals = workdays.configured(), targets()
    escalate_after = int(tk.config.get("ckanext.utt1service.escalation_days") or 0)
    out = {role: {"count": 0, "late": 0, "due_soon": 0, "escalated": 0}
           for role in ("staff", "director")}
    for request in requests:
        found = status(request, today, calendar, goals)
        if found is None:
            continue
        counts = out[found.waiting_for]
        counts["count"] += 1
        counts["late"] += found.late
        counts["due_soon"] += found.due_soon
        counts["escalated"] += found.days_late > escalate_after
    return out


def finished_steps(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Statistics of the steps requests went through: for each step, how
    many, how many within the target and late, and the mean and median
    days taken. ``rows``: per request ``received``, ``checked``,
    ``decided``, ``delivered`` (datetimes, Bangkok days or None) and
    ``delivery_channel``."""
    calendar, goals = workdays.configured(), targets()
    taken: dict[str, list[int]] = {step: [] for step in STEPS}
    late: dict[str, int] = {step: 0 for step in STEPS}
    # The same (first day, last day, step) comes back many times in a year's
    # requests: count it once (working days walk the calendar day by day).
    counted: dict[tuple[datetime.date, datetime.date, str], tuple[int, bool]] = {}

    def day(value: Any) -> datetime.date:
        # a Bangkok day already (the service report's query gives days)
        return value if type(value) is datetime.date else workdays.bangkok_day(value)

    def add(step: str, start: Any, end: Any) -> None:
        if not start or not end:
            return
        key = (day(start), day(end), step)
        found = counted.get(key)
        if found is None:
            first, last = key[0], key[1]
            found = counted[key] = (max(calendar.between(first, last), 0),
                                    last > calendar.add(first, goals[step]))
        taken[step].append(found[0])
        if found[1]:
            late[step] += 1

    for row in rows:
        add("check", row.get("received"), row.get("checked"))
        add("decision", row.get("checked"), row.get("decided"))
        if row.get("delivery_channel") in ("email", "paper"):
            add("delivery", row.get("approved"), row.get("delivered"))
            end = row.get("delivered") if row.get("approved") else row.get("decided")
        else:
            end = row.get("decided")
        add("overall", row.get("received"), end)
    return {
        step: {
            "count": len(days),
            "on_time": len(days) - late[step],
            "late": late[step],
            "target_days": goals[step],
            "mean_days": round(statistics.fmean(days), 1) if days else None,
            "median_days": statistics.median(days) if days else None,
        }
        for step, days in taken.items()
    }
