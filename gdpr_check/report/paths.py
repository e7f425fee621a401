"""Where the checked project sits in its repository, so every report names files the same
way: relative to the repository root, as GitHub code scanning, annotations and blob links
expect (`compliance/inventory/systems.yaml`, not `inventory/systems.yaml`, when the project
is the subfolder `compliance/`).

Findings keep paths relative to the project root (the model's vocabulary); the reports add
this prefix. The root comes from `git rev-parse --show-toplevel` run in the project folder;
when that fails (not a git checkout, no git, a repository git refuses), it is
$GITHUB_WORKSPACE when the project lies inside it (a GitHub job's checkout), else the
project root itself (an empty prefix): a report is never refused for it.
"""
from __future__ import annotations

import os
from functools import lru_cache

GIT_TIMEOUT = 5  # seconds: rev-parse is instant; a hung network file system must not hang us


def prefix_for(root) -> str:
    """The project folder `root` relative to its repository root, as `a/b/` ('' when the
    project is the repository root, is not in one, or `root` is None)."""
    if root is None:
        return ""
    workspace = os.environ.get("GITHUB_WORKSPACE") or None
    return _prefix(os.path.realpath(os.fspath(root)),
                   os.path.realpath(workspace) if workspace else None)


def in_repository(path: str | None, prefix: str) -> str | None:
    """A project-relative `path` relative to the repository root, with forward slashes."""
    if path is None:
        return None
    return prefix + path.replace("\\", "/")


@lru_cache(maxsize=16)
def _prefix(project: str, workspace: str | None) -> str:
    top = repository_root(project) or workspace
    if top is None:
        return ""
    relative = os.path.relpath(project, top)
    if relative == "." or relative.startswith(".."):
        return ""
    return relative.replace(os.sep, "/").rstrip("/") + "/"


# folder (a real path) -> the top of the work tree holding it, or None: fixed for the life
# of a process, as `_prefix` already takes it to be.
_TOPS: dict[str, str | None] = {}


def repository_root(folder: str) -> str | None:
    """The top of the git work tree holding `folder`, or None."""
    folder = os.path.realpath(folder)
    if folder not in _TOPS:
        top = _git(folder, "rev-parse", "--show-toplevel")
        _TOPS[folder] = os.path.realpath(top) if top else None
    return _TOPS[folder]


def commit_of(root) -> str | None:
    """The commit checked out in the project's repository (`git rev-parse HEAD`), for the
    audit report's header; None outside git or before the first commit. The same git call
    gives the work tree's top, kept for `repository_root`: a process costs ~5 ms."""
    if root is None:
        return None
    folder = os.path.realpath(os.fspath(root))
    code, out = _run_git(folder, "rev-parse", "--show-toplevel", "--verify", "-q", "HEAD")
    lines = out.split("\n")  # the top (a path may hold anything but NUL), then the commit
    if code == 0 and len(lines) >= 2:
        top, sha = "\n".join(lines[:-1]), lines[-1]
    elif code == 1 and len(lines) == 1 and lines[0]:  # a repository without a commit
        top, sha = lines[0], None
    else:
        return None
    _TOPS.setdefault(folder, os.path.realpath(top))
    return sha if sha and len(sha) in (40, 64) else None


def last_commit_date(folder) -> str | None:
    """The date (YYYY-MM-DD, the committer's) of the last commit that changed `folder`, a
    rule pack's date in the audit header; None outside git or for a folder never committed."""
    if folder is None:
        return None
    day = _git(os.fspath(folder), "log", "-1", "--no-show-signature", "--format=%cs", "--", ".")
    return day if day and len(day) == 10 else None


def repository_url(root) -> str | None:
    """The repository's address for SARIF's `versionControlProvenance`: the `origin`
    remote of the project's repository as a URL without credentials (a token in a remote
    URL must never reach a report; a local path, which names a machine's folders, is not
    shown), else a GitHub job's ($GITHUB_SERVER_URL/$GITHUB_REPOSITORY), else None. The
    remote comes first: a job may check out another repository than its own."""
    remote = _public_url(_git(os.fspath(root), "config", "--get", "remote.origin.url")) \
        if root is not None else None
    server, name = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    if remote is None and server and name:
        return f"{server.rstrip('/')}/{name}"
    return remote


def _public_url(remote: str | None) -> str | None:
    """`https://user:token@host/o/r.git` -> `https://host/o/r.git`; `git@host:o/r.git`
    (scp-like) -> `ssh://host/o/r.git`; anything else (a path, a bundle) -> None."""
    import re
    from urllib.parse import urlsplit, urlunsplit
    if not remote:
        return None
    scp = re.fullmatch(r"(?:[^@/:\s]+@)?([A-Za-z0-9.-]+):(?!//)([^\s]+)", remote)
    if scp and "/" in scp[2] and not remote.startswith("/"):
        return f"ssh://{scp[1]}/{scp[2].lstrip('/')}"
    try:
        parts = urlsplit(remote)
        port = parts.port
    except ValueError:       # a malformed port or address: not worth a guess
        return None
    if parts.scheme not in ("https", "http", "ssh", "git") or not parts.hostname:
        return None
    host = parts.hostname + (f":{port}" if port else "")
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _git(folder: str, *args) -> str | None:
    """The output of a read-only git command run in `folder`, or None when it fails.

    The repository may come from an untrusted pull request: rev-parse reads no index and
    runs no hooks, fsmonitor is switched off anyway, no pager or prompt can start, the
    caller's GIT_* variables cannot redirect it, and the call is bounded in time."""
    code, out = _run_git(folder, *args)
    return out if code == 0 and out else None


def _run_git(folder: str, *args) -> tuple[int | None, str]:
    """`_git`'s exit status (None: git could not be run) and output, stripped."""
    import subprocess  # (~3 ms) only a run whose reports need git: text alone does not
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat", GIT_OPTIONAL_LOCKS="0")
    try:
        done = subprocess.run(["git", "-c", "core.fsmonitor=false", *args], cwd=folder,
                              env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None, ""
    return done.returncode, done.stdout.decode("utf-8", "replace").strip()
