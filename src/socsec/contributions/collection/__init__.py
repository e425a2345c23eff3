"""Collecting what platforms owe: payments recorded and allocated to invoices (``payments``), bank
statements read into payments (``bank_statements``), what is left to pay on each invoice
(``outstanding``), and invoices past due with their late-payment surcharge (``arrears``). Invoices are
issued by the assessment run (``contributions.assessment.invoices``)."""
