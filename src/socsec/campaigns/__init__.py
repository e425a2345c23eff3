"""Targeted publicity: an officer picks a segment of the register (by where and how people work, their
age and sex, whether they took orders last month, the schemes they are or are not in, whether they paid
their own contributions), sees its size, sends a message to it through the notification channels while a
control group drawn from it hears nothing, and then compares how many of each joined a scheme or paid."""
