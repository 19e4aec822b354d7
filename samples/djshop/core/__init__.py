"""Shared kernel: abstract models and money helpers used by every app."""
