"""Filters for the log (settings.LOGGING): a refusal is logged as one line, never as a traceback."""

import logging


class RefusalWithoutTraceback(logging.Filter):
    """A 4xx answer (403, 404, 400 …) is an expected refusal, not a fault: keep its one line
    ("Forbidden (Permission denied): /cases/12/") and drop the traceback Django attaches. Server
    errors (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
