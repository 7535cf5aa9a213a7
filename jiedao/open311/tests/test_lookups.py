"""The per-process lookups: kept a few seconds, cleared at once when this process saves a row."""

import pytest

from jiedao.open311 import lookups
from jiedao.open311.models import Open311Client
from jiedao.open311.services import open311_client_authenticate, open311_client_issue


def test_a_value_is_kept_for_a_few_seconds_then_read_again(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(lookups.time, "monotonic", lambda: clock[0])
    reads = []

    def load():
        reads.append(1)
        return len(reads)

    assert lookups.remembered(("k",), load) == 1
    clock[0] += lookups.LOOKUP_SECONDS - 0.1
    assert lookups.remembered(("k",), load) == 1
    clock[0] += 0.2
    assert lookups.remembered(("k",), load) == 2


@pytest.mark.django_db
def test_switching_a_key_off_here_takes_effect_at_once(world):
    client, key = open311_client_issue(name="城市 App")
    assert open311_client_authenticate(key=key) == client

    client.is_active = False
    client.save()

    assert open311_client_authenticate(key=key) is None


@pytest.mark.django_db
def test_a_change_made_elsewhere_is_seen_within_the_lookup_time(world, monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(lookups.time, "monotonic", lambda: clock[0])
    client, key = open311_client_issue(name="城市 App")
    assert open311_client_authenticate(key=key) == client

    Open311Client.objects.filter(pk=client.pk).update(is_active=False)  # another process: no signal here

    assert open311_client_authenticate(key=key) == client
    clock[0] += lookups.LOOKUP_SECONDS
    assert open311_client_authenticate(key=key) is None
