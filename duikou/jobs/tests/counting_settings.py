"""Settings for worker processes started by tests: the production settings plus the
test-only job kind of ``duikou.jobs.tests.counting``."""

from duikou.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "duikou.jobs.tests.counting.CountingJobsConfig"]  # noqa: F405
