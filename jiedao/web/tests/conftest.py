import pytest
from django.test import Client

from jiedao.conftest import report


@pytest.fixture
def as_user(db):
    """A signed-in client for one person of the world."""
    def sign_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client
    return sign_in


@pytest.fixture
def fresh_case(world, clock):
    """A case in 桃源 grid 0 reported by the grid worker, waiting to be accepted."""
    return report(world)
