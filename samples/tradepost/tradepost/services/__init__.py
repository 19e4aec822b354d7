"""Business logic. Each module started as one team's; the boundaries have blurred."""
