"""Employers' payroll declarations (per employee and month), the contributions assessed on them per
scheme, and the employers' statements."""
