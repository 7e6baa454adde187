"""Participants: the people in recovery a program walks beside, and their caseloads."""
