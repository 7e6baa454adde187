"""The participant's safety plan (six steps plus what matters to me), versioned and encrypted."""
