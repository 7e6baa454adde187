"""Background jobs: long exports and imports run off the request, with progress and an expiry."""
