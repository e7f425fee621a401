"""Writing what the tool produces (reports, the record, the map, the notice): only where
asked, all or nothing, never over an input or a special file (docs/security.md, "Writes").

The checked repository may come from an untrusted pull request, so where a file may go
depends on who named it:

- an output named on the command line goes where the user said, even outside the project;
- an output named in the project's configuration must stay inside the project
  (`leaves_project`): no absolute path, no `..`, no symbolic link leading out;
- either way, an output that is one of the run's inputs (a policy, inventory, rule,
  waivers, config or baseline file) is refused, and so are folders and block devices.

A regular file is replaced atomically: every output is first written to a temporary file
in its own folder and flushed to disk, and only when all of them are complete are they
renamed into place (with signals held back, so a Ctrl-C or SIGTERM cannot stop the renames
half way), then the folders are flushed. A symbolic link is followed: the file it points
at is replaced and the link stays. A character device (`/dev/null`), a FIFO or one of the
process's own descriptors (`/dev/stdout`, `/dev/fd/N`) is written to, never replaced.

Temporary files are named `.gdpr-check-tmp.<pid>.<random>.tmp`; every exit path that
Python sees (an error, Ctrl-C, SIGTERM, SIGHUP) removes them, and the next run removes
those a killed run (kill -9, power loss) left in the folders it writes to.
"""
from __future__ import annotations

import errno
import os
import re
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .load.files import leaves_project

TEMP_PREFIX = ".gdpr-check-tmp."
_TEMP = re.compile(r"\.gdpr-check-tmp\.(\d+)\.[A-Za-z0-9_]+\.tmp")
# What versions before 0.2 left behind: `.<output name>.<8 random characters>.tmp`.
_LEGACY_AGE = 600  # seconds: no run spends this long writing one report
_ORPHAN_AGE = 86400  # a temp file this old is stale even if its pid was reused
# The process's own streams, which exist only as descriptors: written, never replaced.
_DESCRIPTOR = re.compile(r"/dev/(stdout|stderr|fd/\d+)|/proc/(self|\d+)/fd/\d+")
_BUFFER = 1 << 20  # bytes gathered before a write: a report comes in many small pieces
_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT")
                 if hasattr(signal, name))


@dataclass(frozen=True)
class Output:
    """One thing to write: `text` to the file `path`.

    `text` is a string, or an iterable of the pieces of one (a report renderer's `chunks`),
    written as they come so that a large report is never held whole; it is read once.
    `name` is how messages call it (`--output r.json`, `outputs[0].path`), `where` the
    file:line:column of the setting that named it, when a file did."""
    path: str
    text: str | Iterable[str]
    name: str = ""
    where: tuple | None = None

    def error(self, problem: str) -> InputError:
        return InputError.at(self.where, f"{self.name or self.path}: {problem}")


@dataclass(frozen=True)
class _Plan:
    output: Output
    target: Path        # the file that receives the bytes (symbolic links followed)
    stream: bool        # written in place (a device, FIFO or descriptor), not replaced


class _Signalled(BaseException):
    """A SIGTERM or SIGHUP arrived while temporary files existed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


# --- what an output may not be ----------------------------------------------------------

def inputs_of(root: Path | str, rule_packs=(), config=None, waivers=None,
              baseline=None, published_notice=None) -> list[Path]:
    """Every file a run on the project at `root` reads, or may read: its policy/ and
    inventory/, the rule packs (built-in, the project's rules/, `rule_packs` or the
    config's), its config file, and the waivers and baseline files (the flags given, else
    the config's, else `waivers.yaml`), and the published notice compared with policy/.
    An output may be none of them."""
    from . import baseline as baselines, waivers as waiver_files
    from .api import rule_dirs
    from .config import find_config
    from .load.files import yaml_files
    root = Path(root)
    files = yaml_files(root / "policy") + yaml_files(root / "inventory")
    # A path that is wrong (missing, or leading out of the project) is not read: the run
    # reports it as an error, and it is no input to protect.
    packs = rule_packs or (_readable(config.rule_paths) if config is not None else ())
    for pack in rule_dirs(root, packs or ()):
        files += [pack] if pack.is_file() else yaml_files(pack)
    configured = config.file if config is not None else find_config(root)
    found = [configured, _readable(waiver_files.find, root, config, waivers),
             _readable(baselines.find, config, baseline),
             published_notice or (_readable(config.published_notice_path)
                                  if config is not None and config.model.published_notice
                                  else None)]
    return files + [Path(p) for p in found if p is not None]


def _readable(find, *args):
    """What `find` names, or None when it refuses the path (an `InputError`)."""
    try:
        return find(*args)
    except InputError:
        return None


def create_new(root: Path | str, name: str, text: str) -> bool:
    """Write the new file `name` below `root` (`gdpr-check init`), never replacing
    anything: False when it exists. Complete or absent, like the reports: written to a
    temporary file, flushed, then linked into place (a link, unlike a rename, fails when
    the name is taken, even by a dangling symbolic link)."""
    root = Path(root)
    output = Output(str(root / name), text, name=str(root / name))
    problem = leaves_project(root, name)
    if problem:
        raise output.error(f"{problem}; `init` writes only inside the folder it is given")
    plan = _Plan(output, Path(os.path.realpath(root / name)), False)
    if os.path.lexists(root / name):
        return False
    with _signals_raise():
        made = _make_folder(plan)
        temp = ""
        try:
            temp = _write_temp(plan)
            created = _link_new(temp, plan)
        except BaseException:
            for folder in reversed(made):
                _rmdir(folder)
            raise
        finally:
            _unlink(temp)
    if not created:
        return False
    _fsync_folder(str(plan.target.parent))
    return True


def _link_new(temp: str, plan: _Plan) -> bool:
    """Give the complete `temp` the name `plan.target` unless the name is taken."""
    try:
        os.link(temp, plan.target)
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise plan.output.error(f"cannot create: {_reason(exc)}") from None
    try:  # a file system without hard links: an exclusive create, then the bytes
        handle = open(plan.target, "xb")
    except FileExistsError:
        return False
    except OSError as exc:
        raise plan.output.error(f"cannot create: {_reason(exc)}") from None
    try:
        with handle:
            for piece in _pieces(plan.output.text):
                handle.write(piece)
    except BaseException as exc:
        _unlink(str(plan.target))  # ours, and incomplete
        if isinstance(exc, OSError):
            raise plan.output.error(f"cannot create: {_reason(exc)}") from None
        raise
    return True


# --- writing -----------------------------------------------------------------------------

def write_outputs(outputs, inputs=()) -> None:
    """Write every output, or (on any error) none of the regular files.

    Raises `InputError` (exit 2, one line naming the output) when an output is an input,
    a folder or a block device, is named twice, or cannot be written (no such folder and
    none can be made, permission denied, disk full, read-only file system)."""
    outputs = list(outputs)
    if not outputs:
        return
    protected = _identities(inputs)
    plans, seen = [], {}
    for output in outputs:
        plan = _plan(output, protected)
        key = _identity(plan.target) or plan.target
        if key in seen:
            raise output.error(f"the same file as {seen[key].name or seen[key].path}; give "
                               "each output its own file")
        seen[key] = output
        plans.append(plan)
    _replace_files([p for p in plans if not p.stream])
    for plan in plans:
        if plan.stream:
            _write_in_place(plan)


def _pieces(text: str | Iterable[str]) -> Iterator[bytes]:
    """The UTF-8 bytes of an output's text, piece by piece (rendered as they are asked
    for). A text that cannot be encoded is a bug: it raises, and nothing is replaced."""
    if isinstance(text, str):
        yield text.encode("utf-8")
        return
    for piece in text:
        yield piece.encode("utf-8")


def _plan(output: Output, protected: dict) -> _Plan:
    given = output.path
    if _DESCRIPTOR.fullmatch(os.path.abspath(given)):
        return _Plan(output, Path(given), stream=True)
    try:
        info = os.stat(given)  # follows symbolic links: a link's target is what we write
    except FileNotFoundError:
        info = None
    except OSError as exc:  # a loop of links, a file used as a folder, no permission
        raise output.error(f"cannot write there: {_reason(exc)}") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise output.error("is a folder; expected a file name")
        if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
            return _Plan(output, Path(given), stream=True)
        if not stat.S_ISREG(info.st_mode):
            raise output.error("is a block device or socket, not a file; refusing to "
                               "write a report onto it")
    target = Path(os.path.realpath(given))
    which = protected.get((info.st_dev, info.st_ino)) if info is not None else None
    if which is None:
        which = protected.get(target)
    if which is not None:
        raise output.error(f"is {which}, an input of this run; writing the report there "
                           "would replace it (choose another file)")
    return _Plan(output, target, stream=False)


def _replace_files(plans: list[_Plan]) -> None:
    """Temporary files first, all flushed; then every rename; then the folders flushed."""
    if not plans:
        return
    temps: list[str] = []
    made: list[Path] = []
    with _signals_raise():
        try:
            for plan in plans:
                made += _make_folder(plan)
                _remove_stale(plan.target.parent, plan.target.name)
                temps.append(_write_temp(plan))
            with _signals_held():  # renames are quick; none may be left undone by a signal
                for index, plan in enumerate(plans):
                    try:
                        os.replace(temps[index], plan.target)
                    except OSError as exc:
                        raise plan.output.error(f"cannot replace {plan.target}: "
                                                f"{_reason(exc)}") from None
                    temps[index] = ""
        except BaseException:
            for temp in temps:
                _unlink(temp)
            for folder in reversed(made):
                _rmdir(folder)
            raise
    for folder in sorted({str(p.target.parent) for p in plans}):
        _fsync_folder(folder)


def _make_folder(plan: _Plan) -> list[Path]:
    """Create the output's missing folders (as `mkdir -p`); return those it created."""
    folder = plan.target.parent
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:
            raise plan.output.error(f"cannot create the folder {path}: {_reason(exc)}") \
                from None
    if not plan.target.parent.is_dir():
        raise plan.output.error(f"{plan.target.parent} is not a folder")
    return list(reversed(missing))


def _write_temp(plan: _Plan) -> str:
    folder = plan.target.parent
    try:
        fd, temp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}.", suffix=".tmp",
                                    dir=folder)
    except OSError as exc:
        raise plan.output.error(f"cannot write in {folder}: {_reason(exc)}") from None
    try:
        with os.fdopen(fd, "wb", buffering=_BUFFER) as handle:
            # mkstemp makes the file private (0600); a report gets the mode a plain open()
            # would give it (0666 less the umask), or keeps the mode of the file it replaces.
            os.chmod(temp, _mode_for(plan.target))
            for piece in _pieces(plan.output.text):  # rendered now, as it is written
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())  # on disk before the rename makes it the report
    except BaseException as exc:
        _unlink(temp)
        if isinstance(exc, OSError):
            raise plan.output.error(f"cannot write {plan.target}: {_reason(exc)}") from None
        raise
    return temp


def _write_in_place(plan: _Plan) -> None:
    """A device, FIFO or descriptor: open what exists (never create or replace it)."""
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0)
    try:
        info = os.stat(plan.target)
        if stat.S_ISREG(info.st_mode):  # /dev/stdout redirected to a file: add, keep
            flags |= os.O_APPEND
        fd = os.open(plan.target, flags)
        try:
            for piece in _pieces(plan.output.text):
                view = memoryview(piece)
                while view:
                    view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    except OSError as exc:
        raise plan.output.error(f"cannot write: {_reason(exc)}") from None


# --- temporary files ---------------------------------------------------------------------

def _remove_stale(folder: Path, name: str) -> None:
    """Remove what killed runs left in `folder`: our temporary files whose process is
    gone, and the old `.<name>.XXXXXXXX.tmp` of earlier versions once they are old."""
    now = time.time()
    legacy = re.compile(re.escape(f".{name}.") + r"[A-Za-z0-9_]{8}\.tmp")
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        ours = _TEMP.fullmatch(entry.name)
        if not ours and not legacy.fullmatch(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        if ours:
            stale = age > _ORPHAN_AGE or not _alive(int(ours[1]))
        else:
            stale = age > _LEGACY_AGE
        if stale:
            _unlink(entry.path)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return pid > 0  # someone else's process: leave its files alone
    return True


@contextmanager
def _signals_raise():
    """While temporary files exist, SIGTERM and SIGHUP raise (so they are removed), then
    take their usual course."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = [s for s in _SIGNALS if s != getattr(signal, "SIGINT", None)]

    def handler(signum, _frame):
        raise _Signalled(signum)
    previous = {s: signal.signal(s, handler) for s in caught}
    try:
        yield
    except _Signalled as exc:
        for s, old in previous.items():
            signal.signal(s, old)
        previous = {}
        signal.raise_signal(exc.signum)  # dies as a killed process would, temps removed
        raise SystemExit(128 + exc.signum) from None  # a handler of the caller's returned
    finally:
        for s, old in previous.items():
            signal.signal(s, old)


@contextmanager
def _signals_held():
    if not hasattr(signal, "pthread_sigmask") or \
            threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)  # held signals arrive now


# --- small helpers -----------------------------------------------------------------------

def _identities(inputs) -> dict:
    """Each input by (device, inode) and by resolved path, naming how to call it."""
    found = {}
    for path in inputs:
        path = Path(path)
        shown = path.as_posix()
        found[Path(os.path.realpath(path))] = shown
        key = _identity(path)
        if key is not None:
            found[key] = shown
    return found


def _identity(path: Path):
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).rstrip(".")


def _unlink(path: str) -> None:
    if path:
        try:
            os.unlink(path)
        except OSError:
            pass


def _rmdir(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass


def _fsync_folder(folder: str) -> None:
    """Make the renames durable; file systems that cannot sync a folder are let be."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
