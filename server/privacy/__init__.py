"""Privacy: the audit log of staff access (and, as issue 11 lands, anonymisation and
retention)."""
