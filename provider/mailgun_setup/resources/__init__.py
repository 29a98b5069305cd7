"""Pulumi dynamic resources. Module paths are part of the stored state: never rename them."""
