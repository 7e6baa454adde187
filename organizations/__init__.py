"""Organizations, teams and memberships: who works where, in which role."""
