"""Telling people what happened: an outbox written with each event, delivered after commit by a worker
through the in-app inbox, email and SMS, in the person's language and the channels they chose."""
