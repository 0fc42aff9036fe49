"""WSGI entry point (gunicorn jxjy_portal.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jxjy_portal.settings")
application = get_wsgi_application()
