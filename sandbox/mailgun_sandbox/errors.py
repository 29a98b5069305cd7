"""The sandbox's one error: it could not start, or a seed request (a zone) was refused."""


class SandboxError(Exception):
    pass
