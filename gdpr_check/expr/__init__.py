"""The expression sandbox: compile rule expressions, and the helpers they may call."""
from .helpers import Helpers
from .index import Index
from .sandbox import Expression, compile_template, scope_for

__all__ = ["Expression", "Helpers", "Index", "compile_template", "scope_for"]
