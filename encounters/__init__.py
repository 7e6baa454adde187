"""Encounters: contacts with participants and the coach's day."""
