"""Project documents: kept in the database with the project, checked by content, scoped like
the project, removed without being lost."""

from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from duikou.audit.models import ChangeEntry
from duikou.core import testing
from duikou.core.errors import ConflictError
from duikou.orgs.models import Membership
from duikou.policy import SYSTEM
from duikou.projects.models import DocumentKind, ProjectDocument, ProjectDocumentContent
from duikou.projects.selectors import project_document_content, project_document_list_for_user
from duikou.projects.services import project_document_add, project_document_remove

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# The start of a Windows program: the MZ header, then the PE signature it points to.
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x40\x00\x00\x00PE\x00\x00"
)
NAME = "关于医院信息化项目的立项批复.pdf"


@pytest.fixture
def project():
    return testing.project()


@pytest.fixture
def world():
    team = testing.donor_org(base="652301")
    elsewhere = testing.donor_org(parent=testing.donor_province("140000"), base="653130")
    return {
        "project": testing.project(donor_org=team, region="652301"),
        "other": testing.project(donor_org=elsewhere, region="653130"),
        "writer": testing.user(role=Membership.Role.SUB_COMMAND, organisation=team),
        "reader": testing.user(role=Membership.Role.RECIPIENT, region_code="652300"),
        "outsider": testing.user(role=Membership.Role.SUB_COMMAND, organisation=elsewhere),
        "auditor": testing.user(role=Membership.Role.AUDITOR),
    }


def add(project, data=PDF, name=NAME, **fields):
    return project_document_add(
        project=project, upload=ContentFile(data, name=name), **{"actor": SYSTEM, **fields}
    )


def nothing_written() -> bool:
    return (
        not ProjectDocument.objects.exists()
        and not ProjectDocumentContent.objects.exists()
        and not ChangeEntry.objects.filter(entity="projects.projectdocument").exists()
    )


def upload(client, project, data=PDF, name=NAME, **fields):
    form = {"kind": DocumentKind.APPROVAL, "title": "", "note": "", **fields}
    form["file"] = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(f"/projects/{project.pk}/documents/", form)


def test_an_upload_is_listed_and_downloads_as_the_same_bytes_under_its_chinese_name(client, world):
    client.force_login(world["writer"])
    response = upload(client, world["project"], note="州发改委批复")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/projects/{world['project'].pk}/#documents")

    document = ProjectDocument.objects.get()
    assert document.title == "关于医院信息化项目的立项批复"  # the file name, without extension
    assert (document.kind, document.file_name, document.size) == ("approval", NAME, len(PDF))
    assert document.uploaded_by == world["writer"]
    page = client.get(f"/projects/{world['project'].pk}/").content.decode()
    listing = page[
        page.index('id="document-list"') : page.index("</table>", page.index("document-list"))
    ]
    assert "关于医院信息化项目的立项批复" in listing and "立项批复" in listing
    assert "州发改委批复" in listing
    assert f"/projects/documents/{document.pk}/" in listing

    download = client.get(f"/projects/documents/{document.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Length"] == str(len(PDF))
    assert download["X-Content-Type-Options"] == "nosniff"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="document-{document.pk}.pdf"' in disposition  # for clients without RFC 5987
    assert f"filename*=UTF-8''{quote(NAME, safe='')}" in disposition

    entry = ChangeEntry.objects.get(entity="projects.projectdocument", entity_id=str(document.pk))
    assert (entry.action, entry.actor, entry.source) == ("create", world["writer"], "页面录入")
    assert entry.after["sha256"] == document.sha256


def test_an_ascii_name_is_sent_as_it_is(client, project):
    document = add(project, name="contract-2025.pdf")
    client.force_login(testing.user())
    disposition = client.get(f"/projects/documents/{document.pk}/")["Content-Disposition"]
    assert (
        disposition
        == "attachment; filename=\"contract-2025.pdf\"; filename*=UTF-8''contract-2025.pdf"
    )


def test_a_windows_path_and_control_characters_are_dropped_from_the_name(project):
    document = add(project, name='C:\\Users\\张三\\桌面\\验收"报告"\x07.pdf')
    assert document.file_name == "验收报告.pdf"


def test_the_list_never_reads_the_bytes(world):
    add(world["project"])
    documents = project_document_list_for_user(user=world["writer"], project_pk=world["project"].pk)
    assert ProjectDocumentContent._meta.db_table not in str(documents.query)
    assert len(documents) == 1


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "空文件.pdf", "是空的"),
        (EXE, "合同.pdf", "文件内容是程序或脚本（扩展名为.pdf），不能上传"),
        (EXE, "setup.exe", "不能上传程序或脚本文件（.exe）"),
        (b"<!DOCTYPE html><html><script>alert(1)</script>", "通知.html", "不能上传网页"),
        (b"  <html><body>x</body></html>", "通知.txt", "文件内容是网页或SVG、XML"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "照片.png", "文件内容是网页或SVG、XML"),
        (b"PK\x03\x04 not really a zip", "可研报告.docx", "内容不是有效的Word（.docx）文件"),
        (b"%PDF-1.4", "照片.jpg", "内容不是有效的JPEG图片文件"),
        (b"data", "资料.zip", "不支持“.zip”文件"),
    ],
    ids=["empty", "program-as-pdf", "exe", "html", "html-as-txt", "svg-as-png", "bad-docx",
         "pdf-as-jpg", "zip"],
)  # fmt: skip
def test_it_refuses_a_file_it_will_not_keep_and_writes_nothing(project, data, name, message):
    with pytest.raises(ValidationError) as error:
        add(project, data=data, name=name)
    assert message in error.value.message_dict["file"][0]
    assert nothing_written()


@override_settings(DUIKOU_DOCUMENT_MAX_MB=0.001)  # 1,048 bytes
def test_it_refuses_a_file_over_the_size_limit(project):
    with pytest.raises(ValidationError) as error:
        add(project, data=PDF + b" " * 1100)
    assert error.value.message_dict["file"] == ["文件超过0.001MB，请压缩或拆分后上传"]
    assert nothing_written()


def test_it_refuses_the_same_file_twice_on_a_project_naming_the_first(world):
    first = add(world["project"], title="可研报告（初稿）")
    with pytest.raises(ValidationError) as error:
        add(world["project"], name="另一个名字.pdf")
    assert "该文件已上传过：“可研报告（初稿）”" in error.value.message_dict["file"][0]
    assert list(ProjectDocument.objects.all()) == [first]
    add(world["other"])  # another project may keep the same file


def test_it_refuses_a_user_who_cannot_edit_the_project(world):
    with pytest.raises(PermissionDenied, match="无权"):
        add(world["project"], actor=world["reader"])
    assert nothing_written()


def test_it_refuses_an_overlong_title_in_chinese(project):
    with pytest.raises(ValidationError) as error:
        add(project, title="长" * 201)
    assert error.value.message_dict["title"] == ["标题不能超过200个字（现有201个）"]
    assert nothing_written()


def test_a_refused_upload_shows_its_reason_beside_the_file_field(client, world):
    client.force_login(world["writer"])
    response = upload(client, world["project"], data=EXE, name="进度照片.jpg")
    assert response.status_code == 400
    assert "文件内容是程序或脚本（扩展名为.jpg），不能上传" in testing.field_error_html(
        response, "file"
    )
    assert nothing_written()


def test_a_reader_cannot_upload_and_an_outsider_cannot_see(client, world):
    document = add(world["project"])
    client.force_login(world["reader"])
    assert upload(client, world["project"], data=PDF + b"x").status_code == 403
    assert client.get(f"/projects/documents/{document.pk}/").status_code == 200
    assert client.post(f"/projects/documents/{document.pk}/remove/", {}).status_code == 403

    client.force_login(world["outsider"])
    assert client.get(f"/projects/documents/{document.pk}/").status_code == 404
    assert upload(client, world["project"], data=PDF + b"y").status_code == 404
    with pytest.raises(Exception, match="项目不存在"):
        project_document_list_for_user(user=world["outsider"], project_pk=world["project"].pk)
    assert ProjectDocument.objects.count() == 1


def test_removal_hides_the_document_and_keeps_it_in_the_history(client, world):
    document = add(world["project"], actor=world["writer"])
    client.force_login(world["writer"])
    response = client.post(
        f"/projects/documents/{document.pk}/remove/",
        {"reason": "上传错了项目", "version": document.version},
    )
    assert response.status_code == 302

    document.refresh_from_db()
    assert document.removed and document.removed_by == world["writer"]
    assert document.removed_reason == "上传错了项目"
    assert project_document_content(document=document) == PDF  # nothing is deleted
    entry = ChangeEntry.objects.get(entity="projects.projectdocument", action="delete")
    assert entry.reason == "上传错了项目"
    assert entry.before["removed"] is False and entry.after["removed"] is True

    page = client.get(f"/projects/{world['project'].pk}/").content.decode()
    assert f"/projects/documents/{document.pk}/" not in page
    assert client.get(f"/projects/documents/{document.pk}/").status_code == 404
    # Auditors, who read the whole history, still find it.
    client.force_login(world["auditor"])
    page = client.get(f"/projects/{world['project'].pk}/").content.decode()
    assert "已删除的文档（1份）" in page and "上传错了项目" in page
    assert client.get(f"/projects/documents/{document.pk}/").status_code == 200
    # The same file may be uploaded again.
    assert add(world["project"]).pk != document.pk


def test_removal_needs_a_reason_and_the_latest_version(world):
    document = add(world["project"])
    with pytest.raises(ValidationError) as error:
        project_document_remove(
            document=document, reason="  ", version=document.version, actor=SYSTEM
        )
    assert error.value.message_dict["reason"] == ["删除文档必须说明原因"]
    with pytest.raises(ConflictError):
        project_document_remove(
            document=document, reason="重复", version=document.version + 1, actor=SYSTEM
        )
    with pytest.raises(PermissionDenied, match="无权"):
        project_document_remove(document=document, reason="重复", actor=world["reader"])
    document.refresh_from_db()
    assert not document.removed


# The backup round trip runs on the scratch database the backup tests set up.
from duikou.core.tests.test_backup_restore import ALIAS, migrated, scratch  # noqa: E402, F401


@pytest.mark.usefixtures("migrated")
def test_a_backup_and_restore_bring_the_documents_back(tmp_path):
    from datetime import date
    from io import StringIO

    from django.core.management import call_command

    from duikou.geo.models import Region
    from duikou.orgs.models import Organisation, Programme
    from duikou.projects.models import Project

    db = ALIAS
    county = Region.objects.using(db).create(code="652301", name="昌吉市", level="county")
    org = Organisation.objects.using(db).create(
        code="T-1", name="援疆工作队", side="donor", kind="work_team", region=county
    )
    programme = Programme.objects.using(db).create(
        code="XJ", name="对口援疆", start_date=date(2010, 1, 1)
    )
    day = date(2025, 3, 1)
    project = Project.objects.using(db).create(
        code="P-1", name="项目", programme=programme, donor_org=org, donor_province=org,
        region=county, sector="health", status_date=day, plan_year=2025, planned_start=day,
        planned_end=day,
    )  # fmt: skip
    document = ProjectDocument.objects.using(db).create(
        project=project, title="合同", file_name=NAME, content_type="application/pdf",
        size=len(PDF), sha256="0" * 64,
    )  # fmt: skip
    ProjectDocumentContent.objects.using(db).create(document=document, data=PDF)
    call_command("backup", dest=str(tmp_path / "backups"), database=db, stdout=StringIO())
    path = next((tmp_path / "backups").glob("duikou-backup-*.tar.gz"))

    ProjectDocumentContent.objects.using(db).all().delete()
    ProjectDocument.objects.using(db).all().delete()
    call_command("restore", str(path), database=db, yes=True, stdout=StringIO())

    kept = ProjectDocument.objects.using(db).get()
    assert (kept.title, kept.file_name) == ("合同", NAME)
    content = ProjectDocumentContent.objects.using(db).get(document=kept)
    assert bytes(content.data) == PDF
