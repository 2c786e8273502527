"""Database sessions whose sliding expiry is written at most once a minute.

``SESSION_SAVE_EVERY_REQUEST`` makes the 8-hour idle timeout count from the last request,
but Django then writes the session row on every page: a transaction and a commit (a disk
flush) for each read-only request. This store skips the write when nothing in the session
changed and the stored expiry is less than ``REFRESH_SECONDS`` behind the one a save would
write, so the idle timeout is at most a minute shorter than configured; any change to the
session (sign-in, sign-out, a second factor, a message) is still saved at once.
"""

from datetime import timedelta

from django.contrib.sessions.backends import db

REFRESH_SECONDS = 60


class SessionStore(db.SessionStore):
    _stored_expiry = None  # the expire_date of the row as loaded; None before a load

    def _get_session_from_db(self):
        stored = super()._get_session_from_db()
        self._stored_expiry = stored.expire_date if stored else None
        return stored

    def save(self, must_create: bool = False) -> None:
        if (
            not must_create
            and not self.modified
            and self._stored_expiry is not None
            and self.get_expiry_date() - self._stored_expiry < timedelta(seconds=REFRESH_SECONDS)
        ):
            return
        super().save(must_create=must_create)
        self._stored_expiry = None
