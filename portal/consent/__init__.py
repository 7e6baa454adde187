"""Signing a consent sent from the coach, and the list of disclosures, in the person's own Cairn."""
