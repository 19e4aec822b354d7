"""Hand-written SQL, one module per table family.

The repositories predate the SQLAlchemy models and still carry the hot read paths and the
bulk writes.
"""
