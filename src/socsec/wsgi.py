import os

from django.core.wsgi import get_wsgi_application

os.umask(0o077)  # the SQLite file and the data files are the owner's alone
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socsec.settings")
site = get_wsgi_application()

from socsec.api.handler import ApiRouter, TokenRequestHandler  # noqa: E402  # once Django is set up

application = ApiRouter(site, TokenRequestHandler())  # API token requests skip the session's middleware
