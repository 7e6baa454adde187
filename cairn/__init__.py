"""Cairn: a trauma-informed record and practice tool for peer recovery support."""
