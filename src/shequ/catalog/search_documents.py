"""How products become search documents (filled in by the search module)."""


def register() -> None:
    """Register the product document provider with the search module."""
