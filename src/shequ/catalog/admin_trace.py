"""Back office for production batches and inspection reports."""
