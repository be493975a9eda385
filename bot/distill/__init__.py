"""Distilling: a raw Arabic article in plain text becomes a draft knowledge file to review.

`distill(text, ...)` is a pure function (text in, YAML text out) so the command line and a
chat front end can both call it; it raises `DistillError` with a `reason` code when the
article or an option cannot make a draft.
"""

from bot.distill.draft import check_options, distill, slug
from bot.distill.errors import DistillError

__all__ = ["DistillError", "check_options", "distill", "slug"]
