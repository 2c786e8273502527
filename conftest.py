"""Test set-up shared by every app: reference data is loaded once per test database, and
test accounts get a cheap password hash."""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from duikou.core.demo import reference_load

    with django_db_blocker.unblock():
        reference_load()


@pytest.fixture
def reference_data(db):
    """Reference data inside transactional tests, whose teardown empties every table.

    pytest-django runs transactional tests last, so only they need to reload it.
    """
    from duikou.core.demo import reference_load
    from duikou.geo.models import Region

    if not Region.objects.exists():
        reference_load()


@pytest.fixture(autouse=True)
def fast_passwords(request, settings):
    """Argon2 costs about 0.16 s per password, and most tests make several accounts; they
    get MD5 instead (hashes already stored still verify). ``@pytest.mark.argon2`` keeps the
    production hashers for the tests of hashing itself."""
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher",
            *settings.PASSWORD_HASHERS,
        ]
