"""A submitted river patrol as a duty done (jiedao/duties): the chief's patrol of a segment, judged
there against the applicable plan's minimums (standards.md §5: duration and distance per level and
province, as data), so every compliance figure — the chief's, the village's, the 巡河率 — counts it
once. A patrol made on a chief's account (by the chief or a 河长助理) counts for the chief; a
巡河员's or 保洁员's for the patroller."""

from jiedao.duties.services import duty_work_record

from .models import RiverPatrol


def patrol_duty_record(*, patrol: RiverPatrol) -> list[dict]:
    """Record the patrol as its person's duty work (once: the patrol is the work's source) and
    return why it does not count against the plan, in the river pages' terms ([] when it counts)."""
    person = patrol.chief.user if patrol.chief_id and patrol.chief.user_id else patrol.patrolled_by
    work = duty_work_record(kind="patrol", subject=patrol.segment, started_at=patrol.started_at,
                            ended_at=patrol.ended_at, person=person, distance_m=round(patrol.distance_m),
                            photos=sum(problem.photos.count() for problem in patrol.problems.all()), source=patrol)
    plan = work.plan
    reasons = []
    for code in work.invalid_reasons:
        if code == "too_short" and plan is not None:
            reasons.append({"code": "too_short", "seconds": work.duration_seconds,
                            "minimum": plan.min_duration_minutes})
        elif code == "too_short_distance" and plan is not None:
            reasons.append({"code": "too_little_distance", "metres": work.distance_m, "minimum": plan.min_distance_m})
        else:
            reasons.append({"code": code})
    return reasons
