"""Getting in: the invitation code, choosing a sign-in, and a new password by text."""
