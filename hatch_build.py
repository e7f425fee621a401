"""Build hook: compile the built-in rule pack ahead, into the package (expr/precompiled.py).

Runs for the wheel and for editable installs. It imports the package from this source tree
(its dependencies are the hook's, see pyproject.toml) and writes
`gdpr_check/expr/builtin-pack.<python>.marshal`, which the wheel then ships. If it cannot
(an offline build without Jinja2 or pydantic), the build goes on without the file: runs
then compile the pack when they load it, slower but identical.
"""
from __future__ import annotations

import os
import sys

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class PrecompileRulePack(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version, build_data):
        os.environ["GDPR_CHECK_CACHE_DIR"] = "off"  # nothing from the builder's own cache
        sys.path.insert(0, self.root)
        try:
            from gdpr_check.expr import precompiled
            written, count = precompiled.build()
        except Exception as exc:  # noqa: BLE001 - the build goes on without it
            self.app.display_warning(f"built-in rule pack not compiled ahead: {exc}")
            return
        finally:
            sys.path.remove(self.root)
        relative = os.path.relpath(written, self.root)
        if version != "editable":  # an editable install reads it from the source tree
            build_data["force_include"][str(written)] = relative.replace(os.sep, "/")
        self.app.display_info(f"compiled {count} rule expressions ahead into {relative}")
