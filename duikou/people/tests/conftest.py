import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Test accounts need no strong hashing; the default one costs a third of a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
