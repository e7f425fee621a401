"""Build hook: compile the built-in rule pack ahead, into the package (expr/precompiled.py),
extract the models' field descriptions from their source (model/field_docs.py), and parse
the YAML files the package ships (load/prebuilt.py).

Runs for the wheel and for editable installs. It imports the package from this source tree
(its dependencies are the hook's, see pyproject.toml) and writes
`gdpr_check/expr/builtin-pack.<python>.marshal`, `gdpr_check/model/field-docs.json` and
`gdpr_check/load/prebuilt-trees.json`, which the wheel then ships. If it cannot (an
offline build without Jinja2 or pydantic), the build goes on without them: runs then compile the pack when they load it, parse the
models' source for the descriptions and the YAML files as they read them, slower but
identical.
"""
from __future__ import annotations

import importlib
import os
import sys

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class PrecompileRulePack(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version, build_data):
        os.environ["GDPR_CHECK_CACHE_DIR"] = "off"  # nothing from the builder's own cache
        sys.path.insert(0, self.root)
        try:
            self._write(version, build_data, "gdpr_check.expr.precompiled",
                        "compiled {} rule expressions ahead into {}",
                        "built-in rule pack not compiled ahead")
            self._write(version, build_data, "gdpr_check.model.field_docs",
                        "extracted the field descriptions of {} model modules into {}",
                        "models' field descriptions not extracted ahead")
            self._write(version, build_data, "gdpr_check.load.prebuilt",
                        "parsed {} shipped YAML files ahead into {}",
                        "shipped YAML files not parsed ahead")
        finally:
            sys.path.remove(self.root)

    def _write(self, version, build_data, module: str, done: str, failed: str) -> None:
        """Run `module.build()`, and have the wheel ship the file it wrote."""
        try:
            written, count = importlib.import_module(module).build()
        except Exception as exc:  # noqa: BLE001 - the build goes on without it
            self.app.display_warning(f"{failed}: {exc}")
            return
        relative = os.path.relpath(written, self.root)
        if version != "editable":  # an editable install reads it from the source tree
            build_data["force_include"][str(written)] = relative.replace(os.sep, "/")
        self.app.display_info(done.format(count, relative))
