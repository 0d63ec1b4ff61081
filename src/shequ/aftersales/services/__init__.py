"""After-sales use cases: ``buyer`` (request, withdraw, send goods back) and ``handling`` (the operators' steps)."""
