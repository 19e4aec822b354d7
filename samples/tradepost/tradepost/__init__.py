"""Tradepost: the online shop's back office, grown by technical layer since 2014."""

__version__ = "7.4.2"
