"""Staff answers to what participants asked in their portal."""
