"""SocSec's PostgreSQL backend: Django's, with the savings the API's hot reads need (see ``base``)."""
