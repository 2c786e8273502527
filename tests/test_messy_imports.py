"""Offices' own spreadsheets (``tests/messy/``) import with at most the values the file
lacks, and store exactly what each sheet means, to the fen and to the day."""

import pytest

from duikou.core.demo import demo_load

from .messy_cases import case_check, case_import, cases, expectation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", cases())
def test_an_office_spreadsheet_imports_as_the_sheet_means(case):
    demo_load()
    for before in expectation(case).get("after", []):
        assert not case_check(case_import(before)), before
    run = case_import(case)
    assert case_check(run) == []


def test_the_dry_run_writes_nothing_and_the_commit_stores_what_it_showed():
    from duikou.projects.models import Project

    demo_load()
    case = cases()[0]
    before = Project.objects.count()
    dry = case_import(case, commit=False)
    assert dry.record.status == "checked"
    assert Project.objects.count() == before
    shown = {
        (r["row"], r["action"], tuple(sorted(r["values"].items()))) for r in dry.outcome.preview
    }
    done = case_import(case)
    # Codes generated for new projects are the same in the dry run and the commit.
    stored = {
        (r["row"], r["action"], tuple(sorted(r["values"].items()))) for r in done.outcome.preview
    }
    assert shown == stored
    assert Project.objects.count() == before + len(stored)
