"""Coaching: feedback on a coach's own words (language checker; conversation practice)."""
