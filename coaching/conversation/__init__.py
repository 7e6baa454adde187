"""Conversation practice: parse a transcript, label each coach utterance, summarize kindly."""
