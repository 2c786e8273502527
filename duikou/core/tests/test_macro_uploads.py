"""Office files with macros are refused wherever they are uploaded: project documents and
imports, on the page and through the services, whatever the file is called."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from duikou.core import testing
from duikou.policy import SYSTEM
from duikou.projects.models import DocumentKind, ProjectDocument
from duikou.projects.services import project_document_add
from duikou.transfer.models import ImportRecord

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"  # README.md there says how they were made
MACROS = (FILES / "macros.xls").read_bytes()
PLAIN = (FILES / "plain.xls").read_bytes()


@pytest.mark.parametrize(
    "name", ["资金台账.xls", "资金台账.et", "批复.doc", "批复.wps", "汇报.ppt"]
)
def test_a_project_document_with_a_vba_project_is_refused(name):
    with pytest.raises(ValidationError) as refused:
        project_document_add(
            project=testing.project(), upload=ContentFile(MACROS, name=name), actor=SYSTEM
        )
    assert refused.value.message_dict["file"] == [
        f"文件“{name}”是含宏的Office文档（含有VBA宏），宏会在他人打开文件时运行，不能上传；"
        "请另存为不含宏的格式（如.docx、.xlsx）后再上传"
    ]
    assert not ProjectDocument.objects.exists()


def test_the_same_workbook_without_macros_is_kept():
    document = project_document_add(
        project=testing.project(), upload=ContentFile(PLAIN, name="资金台账.xls"), actor=SYSTEM
    )
    assert document.content_type == "application/vnd.ms-excel"


def test_the_project_page_says_why_beside_the_file(client):
    project = testing.project()
    client.force_login(testing.user())
    response = client.post(
        f"/projects/{project.pk}/documents/",
        {
            "kind": DocumentKind.OTHER,
            "title": "",
            "note": "",
            "file": SimpleUploadedFile("资金台账.xls", MACROS),
        },
    )
    assert response.status_code == 400
    assert "文件“资金台账.xls”是含宏的Office文档（含有VBA宏）" in testing.field_error_html(
        response, "file"
    )


def test_the_import_page_refuses_a_workbook_with_macros_and_keeps_nothing(client):
    client.force_login(testing.user())
    response = client.post(
        "/transfer/import/",
        {"kind": "projects", "file": SimpleUploadedFile("项目台账.xls", MACROS)},
    )
    assert response.status_code == 400
    assert "文件“项目台账.xls”含有宏（VBA宏），为安全起见不能导入" in response.content.decode()
    assert not ImportRecord.objects.exists()
