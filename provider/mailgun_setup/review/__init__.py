"""``mailgun-setup review``: one Markdown comment for a pull request from ``pulumi preview --json``.

    secrets.py   secret values out of the preview before anything else reads it
    changes.py   preview steps -> Change (stack, subdomain, kind, fields old -> new)
    dangers.py   the changes that stop mail, each with its reason in plain words
    render.py    the Markdown comment, kept under GitHub's size limit
"""
from .changes import Change, changes_of, stack_of
from .dangers import Danger, dangers_of
from .render import render_comment

__all__ = ["Change", "Danger", "changes_of", "stack_of", "dangers_of", "render_comment"]
