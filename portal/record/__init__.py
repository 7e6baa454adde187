"""The person's notes, messages, own record and privacy choices."""
