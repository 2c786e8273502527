"""Indicator values computed from personnel records, for the results catalogue (`record_source`).

Each function takes a date range and returns rows ``{"org_id", "region_id", "year",
"month", "value"}`` summed per organisation, place and month, from one grouped query
on the stored year and month of the record.

- aid doctors, teachers, cadres: people starting a long-term stint, by category;
- short-term: short-term stints (人次); short-term batches: groups formed (批次);
- mentor pairs: pairs formed; trainees and training courses: courses held and their
  participants; study visits and study-visit groups: the same for study visits.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, QuerySet, Sum

from .models import AidBatch, Assignment, Category, MentorPair, Term, Training


def _rows(qs: QuerySet, *, org: str, region: str, value) -> list[dict]:
    grouped = (
        qs.order_by().values(o=F(org), r=F(region), y=F("year"), m=F("month")).annotate(v=value)
    )
    return [
        {
            "org_id": row["o"],
            "region_id": row["r"],
            "year": row["y"],
            "month": row["m"],
            "value": Decimal(row["v"] or 0),
        }
        for row in grouped
    ]


def _long_term(category: str) -> Callable[..., list[dict]]:
    def people_starting(*, start: date, end: date) -> list[dict]:
        qs = Assignment.objects.filter(
            term=Term.LONG, member__category=category, start__range=(start, end)
        )
        return _rows(
            qs, org="member__donor_org_id", region="region_id", value=Count("member", distinct=True)
        )

    people_starting.__doc__ = f"Aid personnel of category {category} starting a long-term stint."
    return people_starting


def short_term(*, start: date, end: date) -> list[dict]:
    qs = Assignment.objects.filter(term=Term.SHORT, start__range=(start, end))
    return _rows(qs, org="member__donor_org_id", region="region_id", value=Count("id"))


def short_term_batches(*, start: date, end: date) -> list[dict]:
    qs = AidBatch.objects.filter(term=Term.SHORT, term_start__range=(start, end))
    return _rows(qs, org="donor_org_id", region="region_id", value=Count("id"))


def mentor_pairs(*, start: date, end: date) -> list[dict]:
    qs = MentorPair.objects.filter(start__range=(start, end))
    return _rows(qs, org="mentor__donor_org_id", region="region_id", value=Count("id"))


def _trainings(kind: str, start: date, end: date) -> QuerySet[Training]:
    return Training.objects.filter(kind=kind, start__range=(start, end))


def trainees(*, start: date, end: date) -> list[dict]:
    qs = _trainings(Training.Kind.COURSE, start, end)
    return _rows(qs, org="organiser_id", region="region_id", value=Sum("participants"))


def training_courses(*, start: date, end: date) -> list[dict]:
    qs = _trainings(Training.Kind.COURSE, start, end)
    return _rows(qs, org="organiser_id", region="region_id", value=Count("id"))


def study_visits(*, start: date, end: date) -> list[dict]:
    qs = _trainings(Training.Kind.STUDY_VISIT, start, end)
    return _rows(qs, org="organiser_id", region="region_id", value=Sum("participants"))


def study_visit_groups(*, start: date, end: date) -> list[dict]:
    qs = _trainings(Training.Kind.STUDY_VISIT, start, end)
    return _rows(qs, org="organiser_id", region="region_id", value=Count("id"))


RECORD_INDICATORS: dict[str, Callable[..., list[dict]]] = {
    "people.aid_doctors": _long_term(Category.DOCTOR),
    "people.aid_teachers": _long_term(Category.TEACHER),
    "people.aid_cadres": _long_term(Category.CADRE),
    "people.short_term": short_term,
    "people.short_term_batches": short_term_batches,
    "people.mentor_pairs": mentor_pairs,
    "people.trainees": trainees,
    "people.training_courses": training_courses,
    "people.study_visits": study_visits,
    "people.study_visit_groups": study_visit_groups,
}
