"""`duikou upgrade` on a fresh SQLite database in a temporary DUIKOU_VAR_DIR."""

import os
import shutil
import subprocess
import sys

from django.conf import settings

from duikou.core.management.commands.upgrade import messages_compile


def _duikou(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUIKOU_", "DATABASE_URL"))}
    # A settings module of the test's own, so that translations compile into a copy.
    env.update(
        DUIKOU_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="upgrade_settings",
        PYTHONPATH=str(tmp_path),
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "duikou", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_upgrade_migrates_collects_and_compiles_and_check_reports_what_is_pending(tmp_path):
    shutil.copytree(settings.LOCALE_PATHS[0], tmp_path / "locale")
    for mo in (tmp_path / "locale").rglob("*.mo"):
        mo.unlink()
    (tmp_path / "upgrade_settings.py").write_text(
        f"from duikou.settings import *  # noqa\nLOCALE_PATHS = [{str(tmp_path / 'locale')!r}]\n"
    )
    before = _duikou(tmp_path, "upgrade", "--check")
    assert before.returncode == 1, before.stderr
    assert "个数据库迁移未执行" in before.stdout and "contenttypes.0001_initial" in before.stdout

    done = _duikou(tmp_path, "upgrade")
    assert done.returncode == 0, done.stderr
    assert "配置检查（check --deploy）" in done.stdout
    assert "已执行" in done.stdout and "已收集静态文件" in done.stdout
    assert "升级完成" in done.stdout
    assert any((tmp_path / "var" / "static").iterdir())
    if shutil.which("msgfmt"):
        assert list((tmp_path / "locale").rglob("*.mo"))

    after = _duikou(tmp_path, "upgrade", "--check")
    assert after.returncode == 0, after.stderr
    assert "数据库迁移均已执行" in after.stdout


def test_translations_are_skipped_with_a_reason_without_gettext(tmp_path):
    (tmp_path / "en" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "en" / "LC_MESSAGES" / "django.po").write_text('msgid ""\nmsgstr ""\n')
    assert "未找到 gettext 的 msgfmt" in messages_compile([tmp_path], None)[0]
    assert "没有翻译文件" in messages_compile([tmp_path / "none"], None)[0]


def test_an_installed_read_only_release_keeps_its_shipped_translations(tmp_path):
    """A wheel unpacked as root leaves .po newer than .mo; run as the service user (who may not
    write there), upgrade uses the shipped .mo instead of failing to write it."""
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    mo = folder / "django.mo"
    mo.write_bytes(b"shipped")
    (folder / "django.po").write_text('msgid ""\nmsgstr ""\n')
    os.utime(mo, (1, 1))
    (line,) = messages_compile([tmp_path], "/usr/bin/msgfmt", writable=lambda folder: False)
    assert "只读，使用安装包自带的 django.mo" in line and mo.read_bytes() == b"shipped"
