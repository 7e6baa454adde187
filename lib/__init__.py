"""Small shared helpers used by every Cairn app."""
