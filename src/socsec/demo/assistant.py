"""The demo's help assistant: the demo worker asks in Chinese and in English (a policy question, what an
injury would pay them, how many pension months they lack, another person's record, one it does not know),
hands the last one over, and an officer answers it, so the assistant page, the officers' queue and the
log have exchanges to show. Once: a worker who already asked is left as they are."""

from __future__ import annotations

QUESTIONS = [
    "七级伤残的一次性伤残补助金是几个月？",
    "What would I get if injured at grade 7?",
    "我还差多少个月才能领养老金？",
    "How much does a ride-hailing platform pay per order?",
    "张伟的理赔进度",
    "Is there an office near Wangjing where I can ask in person?",
]
REPLY = (
    "Yes: bring your ID card to any partner bank's counter; the payment reaches your record in two working days. "
    "You can also pay on this portal's payment page."
)


def demo_assistant() -> int:
    """Ask the questions as the demo worker; hand the unknown one over; an officer answers it."""
    from socsec.accounts.models import User
    from socsec.assistant.models import Exchange
    from socsec.assistant.services import enquiry_answer, enquiry_handover, question_ask
    from socsec.audit.services import Actor

    worker = User.objects.select_related("person").filter(username="worker").first()
    officer = User.objects.filter(username="officer").first()
    if worker is None or worker.person is None or officer is None:
        return 0
    if Exchange.objects.filter(person=worker.person).exists():
        return 0
    asked = [question_ask(person=worker.person, question=q) for q in QUESTIONS]
    unknown = [x for x in asked if x.outcome == Exchange.Outcome.UNKNOWN]
    for x in unknown:
        enquiry = enquiry_handover(actor=Actor("worker", user_id=worker.pk), person=worker.person, exchange_id=x.pk)
        enquiry_answer(actor=Actor("officer", user_id=officer.pk), enquiry_id=enquiry.pk, reply=REPLY)
    return len(asked)
