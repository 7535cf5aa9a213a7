"""Issue 10, point 13: every line reaches the console once; a refusal is one line, without traceback."""

import io
import logging

import pytest
from django.urls import reverse


@pytest.fixture
def console():
    """Point every console handler the configuration made at one buffer, so duplicates show."""
    stream = io.StringIO()
    handlers = {handler for name in ("", "django", "django.request", "huey")
                for handler in logging.getLogger(name).handlers
                if isinstance(handler, logging.StreamHandler) and handler.get_name() == "console"}
    assert handlers, "the LOGGING configuration has no console handler"
    previous = [(handler, handler.setStream(stream)) for handler in handlers]
    yield stream
    for handler, old in previous:
        handler.setStream(old)


def test_a_refused_page_is_logged_once_without_its_traceback(world, as_user, console):
    response = as_user(world.people.handler).get(reverse("web:org-tree"))

    assert response.status_code == 403
    lines = [line for line in console.getvalue().splitlines() if "Forbidden" in line]
    assert len(lines) == 1, console.getvalue()
    assert "Traceback" not in console.getvalue()


def test_a_server_error_keeps_its_traceback(console):
    try:
        raise RuntimeError("the database went away")
    except RuntimeError:
        logging.getLogger("django.request").error("Internal Server Error: /x/", exc_info=True,
                                                  extra={"status_code": 500})

    assert console.getvalue().count("Internal Server Error: /x/") == 1
    assert "Traceback" in console.getvalue() and "the database went away" in console.getvalue()


def test_a_huey_line_is_printed_once(console):
    # run_huey adds its own handler only to a "huey" logger that has none: ours has one, which stops there.
    assert logging.getLogger("huey").handlers
    logging.getLogger("huey.consumer").info("Executing jiedao.supervision.tasks.escalations")

    assert console.getvalue().count("Executing jiedao.supervision.tasks.escalations") == 1


def test_seeding_the_evaluation_says_its_known_choice_only_when_asked(db):
    from django.core.management import call_command

    quiet, verbose = io.StringIO(), io.StringIO()
    call_command("seed_evaluation", stdout=quiet)
    call_command("seed_evaluation", verbosity=2, stdout=verbose)

    assert "按期结案率" not in quiet.getvalue()
    assert verbose.getvalue().count("Information: the region scheme weighs 按期结案率 at 40 %") == 1
