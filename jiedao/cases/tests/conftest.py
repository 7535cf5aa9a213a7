"""The loop's tests use the shared people, places and helpers of jiedao/conftest.py."""

from jiedao.conftest import SHANGHAI, TUESDAY_0900, clock, report, walk_to  # noqa: F401
