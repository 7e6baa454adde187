"""Consent and disclosures: Part 2 consents, revocation, and the accounting of disclosures."""
