"""Business logic. Services take a SQLAlchemy session from the caller (API, task or command)."""
