"""mailgun-setup: Mailgun subdomains, their DNS records, senders and routes, per stack."""
from mailgun_setup.program import main

main()
