"""The sandbox's mail: SMTP submission per region, DKIM signing and storage, events to signed
webhooks, and an inbound MX that applies the region's routes.

``system.mail_system(backend)`` is the one object (hung off the Mailgun backend, shared by both
regional apps) that ties them together; ``servers.MailServers`` runs the SMTP listeners.
"""
