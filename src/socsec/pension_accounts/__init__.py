"""Individual pension accounts: the yearly interest crediting (``services``) and the reads of the
accounts it credits (``selectors``)."""
