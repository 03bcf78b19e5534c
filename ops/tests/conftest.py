"""Fixtures for the ops tests."""

from core.tests.fixtures import enterprise, users  # noqa: F401
