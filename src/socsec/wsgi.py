import os

from django.core.wsgi import get_wsgi_application

os.umask(0o077)  # the SQLite file and the data files are the owner's alone
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socsec.settings")
application = get_wsgi_application()
