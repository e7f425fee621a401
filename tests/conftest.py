"""Test-wide settings, applied before any test module imports gdpr_check."""
import os
import tempfile

# The expression cache of the test session lives in a folder of its own: tests compile
# thousands of one-off expressions that must not fill (and slow down) the user's cache,
# and a cache left by an earlier session must not let an expression skip its checks.
os.environ["GDPR_CHECK_CACHE_DIR"] = tempfile.mkdtemp(prefix="gdpr-check-test-cache-")
# ... and so does the caches' signing key (user_cache.py): no test writes the user's home.
os.environ["XDG_STATE_HOME"] = os.path.join(os.environ["GDPR_CHECK_CACHE_DIR"], "state")
# Run on GitHub Actions, the CLI prints workflow annotations and links report paths to the
# repository: tests see a plain shell, and those that test it set the variables themselves.
for _name in ("GITHUB_ACTIONS", "GITHUB_WORKSPACE", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY"):
    os.environ.pop(_name, None)


def pytest_sessionfinish(session, exitstatus):
    import shutil
    shutil.rmtree(os.environ["GDPR_CHECK_CACHE_DIR"], ignore_errors=True)


import gc  # noqa: E402 - after the settings above, which must come first

import pytest  # noqa: E402


@pytest.fixture()
def gc_calls(monkeypatch):
    """Every freeze/disable/enable of the garbage collector, recorded (and not done)."""
    calls = []
    for name in ("freeze", "disable", "enable"):
        monkeypatch.setattr(gc, name, lambda name=name: calls.append(name))
    return calls
