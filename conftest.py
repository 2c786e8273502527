"""Test set-up shared by every app: reference data is loaded once per test database."""

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
