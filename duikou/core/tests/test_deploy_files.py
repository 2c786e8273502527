"""The files in deploy/ are checked by the programs that will read them."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

DEPLOY = Path(settings.BASE_DIR) / "deploy"
ENV_EXAMPLE = (DEPLOY / "duikou.env.example").read_text()


def _env_names_in_settings() -> set[str]:
    source = (Path(settings.BASE_DIR) / "duikou" / "settings.py").read_text()
    names = set(re.findall(r'(?:environ\.get|getenv|_env_bool)\(\s*"([A-Z0-9_]+)"', source))
    names |= set(re.findall(r'environ\[\s*"([A-Z0-9_]+)"\s*\]', source))
    return {n for n in names if n.startswith("DUIKOU_")} | {"DATABASE_URL"}


def test_the_env_example_names_every_variable_settings_reads():
    missing = [
        n for n in sorted(_env_names_in_settings()) if not re.search(rf"^#?{n}=", ENV_EXAMPLE, re.M)
    ]
    assert not missing, f"deploy/duikou.env.example 缺少：{', '.join(missing)}"


def test_the_env_example_reads_in_a_shell_as_systemd_reads_it():
    result = subprocess.run(  # noqa: S603
        [
            "/bin/sh",
            "-c",
            'set -a; . "$0"; echo "$DUIKOU_VAR_DIR"',
            str(DEPLOY / "duikou.env.example"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "/srv/duikou/var"


def test_nginx_accepts_the_site(tmp_path):
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )
    if nginx is None:
        pytest.skip("未安装 nginx（apt-get install nginx），跳过 nginx -t")
    subprocess.run(  # noqa: S603
        [
            shutil.which("openssl") or "/usr/bin/openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(tmp_path / "k.key"),
            "-out",
            str(tmp_path / "c.crt"),
            "-subj",
            "/CN=duikou.example.internal",
        ],
        capture_output=True,
        check=True,
    )
    for name in ("static", "media", "log"):
        (tmp_path / name).mkdir()
    site = (DEPLOY / "nginx" / "duikou.conf").read_text()
    assert "alias /srv/duikou/var/static/;" in site and "alias /srv/duikou/var/media/;" in site
    site = (
        site.replace("/etc/duikou/tls/duikou.crt", str(tmp_path / "c.crt"))
        .replace("/etc/duikou/tls/duikou.key", str(tmp_path / "k.key"))
        .replace("/srv/duikou/var/", f"{tmp_path}/")
        .replace("/var/log/duikou/", f"{tmp_path}/log/")
    )
    (tmp_path / "duikou.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/log/error.log;\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  access_log {tmp_path}/log/access.log;\n"
        f"  client_body_temp_path {tmp_path}/body;\n  include {tmp_path}/duikou.conf;\n}}\n"
    )
    result = subprocess.run(  # noqa: S603
        [
            nginx,
            "-t",
            "-c",
            str(tmp_path / "nginx.conf"),
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "log" / "error.log"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_gunicorn_accepts_its_configuration(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUIKOU_", "DATABASE_URL"))}
    env.update(DUIKOU_VAR_DIR=str(tmp_path), DUIKOU_BIND="127.0.0.1:0")
    result = subprocess.run(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--check-config",
            "-c",
            str(DEPLOY / "gunicorn.conf.py"),
            "duikou.wsgi",
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("没有 systemd-analyze，跳过 systemd 单元检查")
    venv_bin = str(Path(sys.executable).parent) + "/"
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text().replace("/srv/duikou/app/.venv/bin/", venv_bin)
        text = text.replace("User=duikou", "User=root").replace("Group=duikou", "Group=root")
        name = "duikou-worker@1.service" if unit.name == "duikou-worker@.service" else unit.name
        (tmp_path / name).write_text(text)
    result = subprocess.run(  # noqa: S603
        [analyze, "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
