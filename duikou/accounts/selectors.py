"""Reads about sign-in: whether a user must still pass the second factor."""

from django_otp import user_has_device


def needs_second_factor(user) -> bool:
    """Staff who enrolled a TOTP device and have not entered a code in this session."""
    if not (user.is_authenticated and user.is_staff):
        return False
    if getattr(user, "is_verified", lambda: False)():
        return False
    return user_has_device(user, confirmed=True)
