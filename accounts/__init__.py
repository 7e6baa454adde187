"""Accounts: people who sign in, how they sign in, and how their sessions end."""
