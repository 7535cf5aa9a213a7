import pytest

from jiedao.projects.seeds import project_kinds_seed


@pytest.fixture(autouse=True)
def _project_kinds(db):
    """The kinds migration 0002 seeds, again: a test that flushed the database earlier on the same
    worker (`transactional_db`) emptied them."""
    project_kinds_seed()
