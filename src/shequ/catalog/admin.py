"""Catalog back office."""

from shequ.catalog import admin_trace  # noqa: F401 - registers the traceability admin
