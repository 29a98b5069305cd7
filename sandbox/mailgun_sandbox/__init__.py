"""The sandbox: local stand-ins for Mailgun, Route 53, Cloudflare and public DNS.

Each emulator is split moto-style into ``models`` (plain in-memory state and
typed errors) and ``responses`` (HTTP parsing that calls the model).
"""
