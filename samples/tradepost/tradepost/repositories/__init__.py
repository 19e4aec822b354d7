"""Hand-written SQL, kept apart from the ORM for speed."""
