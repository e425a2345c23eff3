"""The assistant's answering core, without Django: reading a question (language, words, intent, the
values it names), finding the rule it asks about (BM25 over the topics and the rules' parameters), and the
policy answers computed from the rules layer. Answers about a person's own records are made by the
Django app (``socsec.assistant.personal``) from the plan this core gives."""
