"""Contracts generated from real data, signed in the service, downloadable."""
