"""Mailgun HTTP API client."""
