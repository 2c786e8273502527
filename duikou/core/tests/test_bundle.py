"""The offline archive installs with no network and serves: `tools/bundle --check` runs this.

Builds dist-like output in a temporary folder with tools/bundle (this step reaches the package
index), unpacks the archive, runs install.sh in a network namespace with no interface at all
(or, where namespaces are not allowed, with the index and proxies pointed at a closed port),
then migrates a fresh SQLite database with the installed `duikou`, starts gunicorn from the
installed environment on a free loopback port in production mode and reads /healthz and the
sign-in page. Prints the build and install times and the archive's size.

Slow (about a minute and 80 MB of wheels): skipped unless DUIKOU_BUNDLE_TEST=1.
DUIKOU_BUNDLE_ARCHIVE=path/to/duikou-…-offline.tar.gz tests an archive built before.
"""

import os
import shutil
import socket
import subprocess
import tarfile
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("DUIKOU_BUNDLE_TEST") != "1", reason="DUIKOU_BUNDLE_TEST=1 runs it"
    ),
]

ROOT = Path(settings.BASE_DIR)
SYSTEM_PYTHON = "/usr/bin/python3.11"
CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens, any connection fails


def run(argv: list, **kwargs) -> subprocess.CompletedProcess:
    """Our own scripts and the installed programs, with fixed arguments."""
    return subprocess.run(argv, check=False, **kwargs)  # noqa: S603 - fixed command lines


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of an operator's shell: nothing of this checkout, the test run or pip's
    configuration on this machine."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    return {**env, **extra}


def build(tmp: Path) -> Path:
    if archive := os.environ.get("DUIKOU_BUNDLE_ARCHIVE"):
        return Path(archive)
    arch = os.environ.get("DUIKOU_BUNDLE_ARCH", "x86_64")
    started = time.perf_counter()
    built = run([ROOT / "tools" / "bundle", "--out", tmp / "dist", "--arch", arch], cwd=ROOT)
    assert built.returncode == 0
    print(f"\nbundle built in {time.perf_counter() - started:.0f} s")
    (archive,) = (tmp / "dist").glob("duikou-*-offline.tar.gz")
    sums = (tmp / "dist" / "SHA256SUMS").read_text()
    assert archive.name in sums
    return archive


def offline(command: list[str]) -> list[str]:
    """The command in a new network namespace (no interface up) when this machine allows it."""
    unshare = shutil.which("unshare")
    if unshare and run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n", *command]
    return command


def get(url: str) -> tuple[int, str]:
    assert url.startswith("http://127.0.0.1:")
    headers = {"X-Forwarded-Proto": "https"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback HTTP only
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, direct
    with opener.open(request, timeout=10) as response:
        return response.status, response.read().decode()


@pytest.mark.skipif(not Path(SYSTEM_PYTHON).exists(), reason="needs the system's python3.11")
def test_the_archive_installs_offline_and_serves(tmp_path):
    archive = build(tmp_path)
    size_mb = archive.stat().st_size / 2**20
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path / "unpacked", filter="data")
    (bundle,) = (tmp_path / "unpacked").iterdir()
    prefix = tmp_path / "opt" / "duikou"

    no_network = clean_env(
        DUIKOU_PREFIX=str(prefix),
        PYTHON=SYSTEM_PYTHON,
        PIP_INDEX_URL=f"{CLOSED}/simple",
        PIP_NO_INDEX="1",
        http_proxy=CLOSED,
        https_proxy=CLOSED,
        HTTP_PROXY=CLOSED,
        HTTPS_PROXY=CLOSED,
    )
    started = time.perf_counter()
    install = run(
        offline([str(bundle / "install.sh")]),
        env=no_network,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    install_seconds = time.perf_counter() - started
    assert install.returncode == 0, install.stdout + install.stderr
    assert "duikou upgrade" in install.stdout
    print(f"archive {size_mb:.1f} MB; installed offline in {install_seconds:.0f} s")

    venv = prefix / "venv" / "bin"
    site = clean_env(
        DUIKOU_PRODUCTION="1",
        DUIKOU_BEHIND_TLS_PROXY="1",
        DUIKOU_SECRET_KEY="offline-install-test-" + "k" * 40,
        DUIKOU_ALLOWED_HOSTS="127.0.0.1",
        DUIKOU_VAR_DIR=str(tmp_path / "var"),
        DUIKOU_SHARED_DIR=str(tmp_path / "shared"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'var' / 'duikou.sqlite3'}",
    )
    # The installed command, not this checkout: run from outside it with no PYTHONPATH.
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        done = run(
            [venv / "duikou", *command], env=site, cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
    where = run(
        [venv / "python", "-c", "import duikou; print(duikou.__file__)"],
        env=site,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    ).stdout
    assert str(prefix) in where

    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - the installed gunicorn, fixed arguments
        [venv / "gunicorn", "duikou.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=site,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = get(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.3)
        assert status == 200 and '"ok"' in body
        status, page = get(f"{base}/login/")
        assert status == 200 and 'name="password"' in page
        assert "/static/" in page  # the collected assets are linked…
        status, script = get(f"{base}/static/vendor/htmx.min.js")
        assert status == 200 and "htmx" in script  # …and served by the installed package
    finally:
        server.terminate()
        server.wait(timeout=30)
