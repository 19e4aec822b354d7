"""Shared helpers used all over the code base."""
