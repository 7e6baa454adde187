"""Portal: the participant's own Cairn."""
