"""The JSON API (django-ninja), mounted at /api/: docs/api.md."""
