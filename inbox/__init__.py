"""Secure messages between a participant and their care team."""
