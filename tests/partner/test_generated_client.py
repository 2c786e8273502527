"""A partner's system uses Duikou through a client generated from the served OpenAPI
document with openapi-python-client: generated, installed (offline, from its own
sources) and run as a separate program against a live server on 127.0.0.1."""

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from duikou.api.services import api_token_create
from duikou.core import testing as factories
from duikou.orgs.models import Membership
from duikou.projects.models import Project
from duikou.results.models import Indicator, Value
from tests.browser.conftest import reference_restored  # noqa: F401

VENV_BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]


def _uv() -> str:
    found = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    if not Path(found).exists():
        pytest.fail("uv 不存在：请先运行 tools/bootstrap")
    return found


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.update(kwargs.pop("env", {}))
    done = subprocess.run(  # noqa: S603 (fixed programs of this checkout)
        command, capture_output=True, text=True, env=env, timeout=300, **kwargs
    )
    assert done.returncode == 0, f"{command[:3]}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done


@pytest.fixture
def client_package(live_server, tmp_path) -> Path:
    """The client generated from the document the live server serves, installed."""
    document_url = f"{live_server.url}/api/v1/openapi.json"  # the live server on 127.0.0.1
    with urllib.request.urlopen(document_url, timeout=30) as answer:  # noqa: S310
        document = answer.read()
    (tmp_path / "openapi.json").write_bytes(document)
    done = _run(
        [str(VENV_BIN / "openapi-python-client"), "generate", "--path", "openapi.json"],
        cwd=tmp_path,
    )
    assert "warning" not in (done.stdout + done.stderr).lower(), done.stdout + done.stderr
    generated = tmp_path / "duikou-api-client"
    assert (generated / "duikou_api_client" / "api" / "projects" / "projects_list.py").exists()
    site = tmp_path / "site"
    _run(
        [
            _uv(), "pip", "install", "--offline", "--no-build-isolation", "--no-deps",
            "--python", sys.executable, "--target", str(site), str(generated),
        ]
    )  # fmt: skip
    assert (site / "duikou_api_client").is_dir()
    return site


@pytest.mark.django_db(transaction=True)
def test_a_partner_syncs_through_a_generated_client(live_server, client_package):
    org = factories.donor_org(base="652300")
    reporter = factories.user(role=Membership.Role.SUB_COMMAND, organisation=org)
    _token, raw = api_token_create(user=reporter, name="伙伴系统")
    indicator = Indicator.objects.create(
        code="PARTNER_TRAINED", name_zh="伙伴培训人数", unit="人", frequency="any"
    )
    done = _run(
        [
            sys.executable,
            str(Path(__file__).with_name("partner_sync.py")),
            live_server.url,
            raw,
            org.code,
            indicator.code,
        ],
        env={"PYTHONPATH": str(client_package), "NO_PROXY": "127.0.0.1,localhost"},
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["before"] == []
    assert seen["after"] == ["PARTNER-1"]
    assert seen["budget_aid"] == "12000000.00"
    assert seen["value_status"] == "submitted"
    project = Project.objects.get(code="PARTNER-1")
    assert project.donor_org == org
    assert str(project.transactions.get().amount) == "3000000.00"
    value = Value.objects.get(indicator=indicator, org=org)
    assert value.value == 12000 and value.status == Value.Status.SUBMITTED
