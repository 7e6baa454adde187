"""Program reports: the manager's dashboard, the coach's own view and small-number protection."""
