"""Speed policy: the one place that decides what a run may do to the process it runs in.

Seven things make a run faster (the first five, a large one) but are not the library's to
decide alone:

- **pausing the cyclic garbage collector** while the trees, models and findings are built
  (they hold no cycles, yet each collection walks every object alive: at 100,000 flows
  that was three quarters of the load). Process-wide: another thread's garbage waits too.
- **freezing** (`gc.freeze()`) what lives to the end of a run, so that collections
  while the reports are written need not walk it (~1 s at 100,000 flows). Those objects
  are never collected afterwards: right for a process that exits, a leak for a server.
- **forking** to parse part of a large project's files (`load/parallel.py`) and to run
  half of the rules of a large run (`engine/parallel.py`) in a child.
- **the parser**: yaml-rs for large files where it is installed (`load.parser.FastParser`),
  or PyYAML alone.
- **keeping** what a large run loaded alive to the process's end, which then ends without
  the interpreter's teardown (`end_process`): freeing a 100,000-flow project's ~800 MB of
  objects one by one took ~0.3 s after the rules, for a process about to exit.
- **pydantic plugins**: the first validator pydantic builds looks for plugins in every
  installed distribution's entry points, importing `importlib.metadata` (and with it
  `email`, `zipfile`, `csv`) for it: ~25 ms of a small run. The CLI's process uses none
  (`skip_pydantic_plugins`), unless `PYDANTIC_DISABLE_PLUGINS` says which to use.
- **generated code kept**: the methods of dataclasses, the constructors of named tuples and
  the forward references that importing pydantic and our models makes Python compile
  (~10% of a small run), compiled once and kept in the user's cache
  (`generated_code.py`), by standing in for `exec`, `eval` and `compile` in the three
  standard modules that generate them, while the CLI imports what it needs.

A `Tuning` says which of them a run may use. `load_project` and `run_rules` know nothing of
it: `api.check` applies it around them (`paused`, `settle`) and passes on the two plain
choices they take as parameters (`parser`, `fork`). The CLI, whose process exits after one
run, uses `Tuning.for_cli()`; a program calling `gdpr_check.check()` gets `LIBRARY` (the
collector paused only while the call runs, nothing frozen, no fork) unless it passes
another, e.g. `gdpr_check.check(path, tuning=Tuning.for_cli())` in a batch job.
"""
from __future__ import annotations

import gc
import os
from contextlib import contextmanager, nullcontext
from typing import NamedTuple

# Objects in the inventory from which a run is large: forking pays off only from here
# (below, the fixed costs of a fork outweigh the rules' time).
LARGE_INVENTORY = 10_000


class Tuning(NamedTuple):
    pause_gc: bool = False   # no cyclic collection while loading and evaluating
    freeze: bool = False     # gc.freeze() what a run keeps to its end
    fork: bool = False       # a large run's parse and rules in two processes (Linux, 2+ CPUs)
    fast_parser: bool = True  # yaml-rs for large files when installed (same trees, faster)
    pydantic_plugins: bool = True  # False: pydantic looks for no plugins (`importing`)
    keep_large: bool = False  # a large run's inputs live to the end (`end_process`)
    keep_generated_code: bool = False  # code made at import kept compiled (`importing`)

    @classmethod
    def for_cli(cls, environ=None) -> "Tuning":
        """The CLI's process exits after the run: all of it, except what the environment
        turns off (`GDPR_CHECK_JOBS=1`: no fork)."""
        environ = os.environ if environ is None else environ
        return cls(pause_gc=True, freeze=True,
                   fork=environ.get("GDPR_CHECK_JOBS", "").strip() != "1",
                   pydantic_plugins=False, keep_large=True, keep_generated_code=True)

    def parser(self):
        """A parser for one load, with a budget of its own: PyYAML alone; the fast parser;
        or, if allowed to fork, the fast parser with part of a large project's files
        planned in a child (`load.parallel.ForkingParser`: the same trees)."""
        from .load.parser import Budget, FastParser, PyYamlParser
        slow = PyYamlParser(Budget())
        if not self.fast_parser:
            return slow
        if self.fork:
            from .load.parallel import ForkingParser
            return ForkingParser(slow)
        return FastParser(slow)

    def paused(self):
        """A context in which the garbage collector is paused, if allowed."""
        return gc_paused() if self.pause_gc else nullcontext()

    @contextmanager
    def importing(self):
        """A context for importing the modules a run needs: the collector paused and, if
        allowed, what they made frozen afterwards. Modules, classes and functions live to
        the process's end anyway; collecting while ~240 ms of imports make them took ~65
        young collections that freed nothing, and the first after them walks them all.
        Before them, pydantic is told to look for no plugins, if so chosen; and, if
        allowed, the code Python generates while they are imported comes from the user's
        cache (`generated_code.py`)."""
        if not self.pydantic_plugins:
            skip_pydantic_plugins()
        with self.paused(), self._generated_code():
            yield
            if self.freeze:
                gc.freeze()

    def _generated_code(self):
        if not self.keep_generated_code:
            return nullcontext()
        from .generated_code import kept
        return kept()

    def settle(self) -> None:
        """Freeze what is alive now, if allowed. Whatever the size: what the paused
        collector let pile up is all young, and the first collection after the pause
        would walk it (~5 ms of a small run, ~1 s of a 100,000-flow one)."""
        if self.freeze:
            gc.freeze()

    def forks(self, objects: int) -> bool:
        return self.fork and objects >= LARGE_INVENTORY

    def keep(self, inputs, objects: int) -> None:
        """Keep a large run's `inputs` (the project, the rules) alive to the process's end,
        if allowed: only the last run's, so a process running several keeps one."""
        if self.keep_large and objects >= LARGE_INVENTORY:
            _KEPT[:] = [inputs]


_KEPT: list = []  # what `Tuning.keep` keeps


def end_process(code: int):
    """End the process with `code` (the CLI's last step). After a run that kept what it
    loaded (`Tuning.keep`), without the interpreter's teardown, which would free it all:
    standard output and error are flushed first, as the teardown would flush them; the
    reports are written and closed by then, and nothing of ours registers an atexit
    handler. Otherwise, and if flushing fails (a closed pipe), as `sys.exit`."""
    import sys
    if _KEPT:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            sys.exit(code)
        os._exit(code)
    sys.exit(code)


# A library caller's process is left as it was: the collector is paused only while the
# call runs (and resumed when it returns); nothing is frozen or forked.
LIBRARY = Tuning(pause_gc=True)


_PLUGIN_LOADER = "pydantic.plugin._loader"


def skip_pydantic_plugins() -> None:
    """Let pydantic find no plugins in this process, without looking for them: its plugin
    loader is stood in for by a module whose `get_plugins()` finds none. Left alone when
    the loader has run already, or when `PYDANTIC_DISABLE_PLUGINS` is set (the user chose
    which plugins to use). Any other name pydantic asks of the loader comes from the
    real one, imported then: a pydantic that uses more of it still works."""
    import sys
    if _PLUGIN_LOADER in sys.modules or "PYDANTIC_DISABLE_PLUGINS" in os.environ:
        return
    import types
    stand_in = types.ModuleType(_PLUGIN_LOADER, skip_pydantic_plugins.__doc__)
    stand_in.get_plugins = lambda: ()

    def real(name: str):
        if name.startswith("__"):  # the import system asks for `__path__`: a plain module
            raise AttributeError(name)
        import importlib
        if sys.modules.get(_PLUGIN_LOADER) is stand_in:
            del sys.modules[_PLUGIN_LOADER]
        return getattr(importlib.import_module(_PLUGIN_LOADER), name)

    stand_in.__getattr__ = real
    sys.modules[_PLUGIN_LOADER] = stand_in


@contextmanager
def gc_paused():
    """No cyclic garbage collection in the block; the collector resumed as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
