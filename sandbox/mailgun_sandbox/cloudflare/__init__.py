"""Cloudflare API v4 emulator: zones and DNS records, good enough for the official SDK."""
