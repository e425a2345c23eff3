"""The help assistant: answers a worker's questions from the rules and from their own records, cites its
sources, hands over what it does not know to an officer, and logs every exchange for review."""
