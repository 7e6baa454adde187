"""Audit: the append-only, hash-chained record of every read and write of participant data."""
