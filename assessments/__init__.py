"""Instruments as data files (BARC-10, Cairn check-in), responses, scores, reassessment dates."""
