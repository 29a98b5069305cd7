"""DNS backends: where the generated records are written (Route 53, Cloudflare) or listed (manual)."""
