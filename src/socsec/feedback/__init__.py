"""Service feedback: the catalogue of the agency's public services with their promised time limits, the
services each person has completed (read from the records: a claim decided, a benefit first paid, a
contribution on the record), the person's rating of each, and the supervisors' view of actual processing
times and ratings per service and province against the limits."""
