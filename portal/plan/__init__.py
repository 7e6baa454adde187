"""The person's own plan, check-ins, call requests and safety plan edits."""
