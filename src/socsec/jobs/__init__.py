"""Officer-started background jobs (the month's assessment, the pay run) on django-tasks' database
backend, each with its progress recorded for the page that shows it."""
