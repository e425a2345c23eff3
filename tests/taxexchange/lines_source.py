"""A source of assessed amounts for the settings (``SOCSEC_TAX_EXCHANGE["due_lines"]``) in the tests:
the world's employee at the factory, 8,000 yuan a month."""

from __future__ import annotations

from socsec.registry.models import Organisation, Person
from socsec.taxexchange.documents import DueLine

from .helpers import lines


def factory_lines(month: str) -> list[DueLine]:
    employer = Organisation.objects.get(code="factory")
    employee = Person.objects.filter(engagements__organisation=employer).order_by("pk").first()
    assert employee is not None
    return lines(employer.pk, employee.pk, month)
