#!/usr/bin/env bash
# Install Duikou from this offline archive (built by tools/bundle): no network is used.
# Needs the system's Python 3.11 with its venv module (Debian 12: python3.11 python3.11-venv);
# PostgreSQL, nginx and the report fonts come from the system's own packages too.
#
#   ./install.sh                         install into /opt/duikou (venv in /opt/duikou/venv)
#   DUIKOU_PREFIX=/srv/duikou ./install.sh
#   PYTHON=/usr/bin/python3.11 ./install.sh
# Running it again over an older install upgrades the packages in place; then run
# `duikou upgrade` as the next steps say.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${DUIKOU_PREFIX:-/opt/duikou}"
PYTHON="${PYTHON:-python3.11}"

command -v "$PYTHON" >/dev/null 2>&1 || {
  echo "找不到 $PYTHON：请安装系统软件包 python3.11 python3.11-venv（或用 PYTHON= 指定路径）" >&2
  exit 1
}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || {
  echo "$PYTHON 不是 Python 3.11（$("$PYTHON" --version 2>&1)）：安装包中的 wheel 只适用于 3.11" >&2
  exit 1
}

echo "校验安装包文件…"
(cd "$here" && sha256sum --check --quiet --strict SHA256SUMS) || {
  echo "安装包文件校验失败（$here/SHA256SUMS）：文件损坏或被改动，请重新复制安装包" >&2
  exit 1
}

mkdir -p "$prefix"
if [ ! -x "$prefix/venv/bin/python" ]; then
  echo "在 $prefix/venv 建立 Python 虚拟环境…"
  "$PYTHON" -m venv "$prefix/venv" || {
    echo "无法建立虚拟环境：请安装系统软件包 python3.11-venv" >&2
    exit 1
  }
fi

# Only the archive's wheels: no index, no cache, no pip configuration of this machine (its
# index addresses, wheel folders or constraints).
export PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
unset PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_REQUIRE_VIRTUALENV
pip=("$prefix/venv/bin/python" -m pip --quiet)
echo "安装依赖（$(ls "$here/wheels" | wc -l) 个 wheel，校验锁定的哈希值）…"
"${pip[@]}" install --no-index --find-links "$here/wheels" --only-binary=:all: \
  --require-hashes -r "$here/requirements.txt"
if [ -s "$here/requirements-built.txt" ]; then
  "${pip[@]}" install --no-index --find-links "$here/wheels" --only-binary=:all: --no-deps \
    -r "$here/requirements-built.txt"
fi
echo "安装 Duikou…"
"${pip[@]}" install --no-index --no-deps --force-reinstall "$here"/wheels/duikou-*.whl
"${pip[@]}" check >/dev/null || { "${pip[@]}" check >&2; exit 1; }

mkdir -p "$prefix/etc"
for folder in deploy docs; do
  if [ -d "$here/$folder" ]; then
    rm -rf "${prefix:?}/$folder" && cp -r "$here/$folder" "$prefix/$folder"
  fi
done
cp "$here/BUNDLE" "$prefix/BUNDLE"

cat <<EOF

Duikou 已安装：$prefix/venv/bin/duikou（$(head -n 1 "$here/BUNDLE")）

后续步骤 / Next steps:
  1. 环境文件（如 $prefix/etc/duikou.env，仅运行账户可读）：
       DUIKOU_PRODUCTION=1
       DUIKOU_SECRET_KEY=<至少50个字符的随机密钥>
       DUIKOU_ALLOWED_HOSTS=<服务器域名>
       DUIKOU_VAR_DIR=/var/lib/duikou
       DATABASE_URL=postgres://duikou@127.0.0.1:5432/duikou
       DUIKOU_BEHIND_TLS_PROXY=1          # nginx 终结 TLS 时
  2. 建库或升级：set -a; . $prefix/etc/duikou.env; set +a; $prefix/venv/bin/duikou upgrade
     （检查、迁移数据库、收集静态文件、编译翻译）；新库再运行 duikou loadref 载入参考数据。
  3. 服务：$prefix/deploy/ 中有 gunicorn 配置、nginx 配置和 systemd 单元（见 docs/deployment.md）；
     网站：$prefix/venv/bin/gunicorn duikou.wsgi -c $prefix/deploy/gunicorn.conf.py
     后台任务：$prefix/venv/bin/duikou worker
  4. 系统软件包：postgresql nginx fonts-noto-cjk fonts-arphic-ukai libpango-1.0-0 libpangoft2-1.0-0
EOF
