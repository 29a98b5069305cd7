"""Mailgun API emulator (US and EU hosts over one global domain namespace)."""
