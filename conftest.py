"""Test set-up shared by every app: reference data is loaded once per test database."""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from duikou.core.demo import reference_load

    with django_db_blocker.unblock():
        reference_load()
