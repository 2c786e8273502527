import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duikou.settings")
django.setup(set_prefix=False)

from duikou.core.http import Handler  # noqa: E402 (needs the settings)

# Django's handler with a request class that reads a declared charset only if it can.
application = Handler()
