from core.tests.fixtures import enterprise, users  # noqa: F401
