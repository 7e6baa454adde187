"""Tests for the shared helpers."""
