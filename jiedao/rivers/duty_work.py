"""A submitted river patrol as a duty done, for the duty plans' compliance (jiedao/duties)."""

from .models import RiverPatrol


def patrol_duty_record(*, patrol: RiverPatrol) -> None:
    """Until the duties app is merged the patrol's own judgement (`services.patrol_judgement`) is
    the figure; this is where the patrol is recorded as the chief's duty work."""
    return None
