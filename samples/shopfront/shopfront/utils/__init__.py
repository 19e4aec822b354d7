"""Small helpers used all over the shop: money, text, dates, validation, paging, logging."""
