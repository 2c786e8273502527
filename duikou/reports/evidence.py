"""The ledger records behind a record-backed figure (project codes, deal codes, event codes).

``results.records`` gives each record indicator as sums per organisation, place and
month; a report's appendix also names the records. Each entry below reads the same
records as the matching function in ``<app>/indicators.py`` (same filters, same dates),
one row per record; the report tests check that the rows add up to the figure.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import CharField, F, Q, QuerySet
from django.db.models import Value as V
from django.db.models.functions import Concat

from duikou.exchanges.indicators import EXCHANGE_KINDS
from duikou.exchanges.models import MEDICAL_KINDS, SCHOOL_KINDS, Event, EventKind, Partnership
from duikou.geo.models import RegionAncestor
from duikou.investment.models import Deal, FundsInPlace, JobsReport
from duikou.orgs.models import OrgAncestor
from duikou.people.models import AidBatch, Assignment, Category, MentorPair, Term, Training
from duikou.projects.models import BudgetLine, FundSource, FundTransaction, Project, Status


def _cat(*parts):
    return Concat(*parts, output_field=CharField())


@dataclass(frozen=True)
class EvidenceRow:
    code: str
    label: str
    day: date | None
    value: Decimal | None  # None where the figure counts distinct names, not rows


@dataclass(frozen=True)
class Source:
    records: Callable[[date, date], QuerySet]
    org: str
    region: str
    code: object
    label: object
    day: str
    value: object = None  # a field path; None counts each record once
    distinct: bool = False  # the figure counts distinct labels


def _budget(fund_source: str) -> Source:
    return Source(
        lambda s, e: BudgetLine.objects.filter(
            fund_source=fund_source, project__planned_start__range=(s, e)
        ),
        "project__donor_org_id",
        "project__region_id",
        "project__code",
        "project__name",
        "project__planned_start",
        "amount",
    )


def _moved(kind: str) -> Source:
    return Source(
        lambda s, e: FundTransaction.objects.filter(
            kind=kind, fund_source=FundSource.AID, on__range=(s, e)
        ),
        "project__donor_org_id",
        "project__region_id",
        "project__code",
        "project__name",
        "on",
        "amount",
    )


def _projects(**conditions) -> Source:
    return Source(
        lambda s, e: Project.objects.filter(planned_start__range=(s, e), **conditions).exclude(
            status=Status.TERMINATED
        ),
        "donor_org_id",
        "region_id",
        "code",
        "name",
        "planned_start",
    )


def _deals_signed(value=None, distinct=False, **conditions) -> Source:
    return Source(
        lambda s, e: Deal.objects.filter(signed_on__range=(s, e), **conditions),
        "donor_org_id",
        "region_id",
        "code",
        "enterprise" if distinct else "name",
        "signed_on",
        value,
        distinct,
    )


def _long_term(category: str) -> Source:
    return Source(
        lambda s, e: Assignment.objects.filter(
            term=Term.LONG, member__category=category, start__range=(s, e)
        ),
        "member__donor_org_id",
        "region_id",
        _cat(V("援疆人员#"), "member_id"),
        _cat("member__home_organisation", V("→"), "host_org_name"),
        "start",
    )


def _training(kind: str, value=None) -> Source:
    return Source(
        lambda s, e: Training.objects.filter(kind=kind, start__range=(s, e)),
        "organiser_id",
        "region_id",
        _cat(V("培训#"), "id"),
        "title",
        "start",
        value,
    )


def _events(kinds, value=None) -> Source:
    return Source(
        lambda s, e: Event.objects.filter(kind__in=kinds, on__range=(s, e)),
        "organiser_id",
        "region_id",
        "code",
        "title",
        "on",
        value,
    )


def _in_force(kinds, distinct: bool) -> Source:
    return Source(
        lambda s, e: Partnership.objects.filter(
            Q(kind__in=kinds), Q(signed_on__lte=e), Q(ended_on__isnull=True) | Q(ended_on__gt=e)
        ),
        "donor_org_id",
        "region_id",
        "code",
        "local_party_name" if distinct else _cat("donor_party_name", V("—"), "local_party_name"),
        "signed_on",
        None,
        distinct,
    )


SOURCES: dict[str, Source] = {
    "projects.fund_planned": _budget(FundSource.AID),
    "projects.fund_local": _budget(FundSource.LOCAL),
    "projects.fund_social": _budget(FundSource.SOCIAL),
    "projects.fund_released": _moved("release"),
    "projects.fund_disbursed": _moved("disburse"),
    "projects.fund_spent": _moved("spend"),
    "projects.count": _projects(),
    "projects.livelihood_count": _projects(is_livelihood=True),
    "projects.completed_count": _projects(
        status__in=[Status.COMPLETED, Status.ACCEPTED, Status.OPERATING]
    ),
    "investment.deals_signed": _deals_signed(),
    "investment.signed_amount": _deals_signed("signed_amount", signed_amount__isnull=False),
    "investment.enterprises_introduced": _deals_signed(distinct=True),
    "investment.funds_in_place": Source(
        lambda s, e: FundsInPlace.objects.filter(on__range=(s, e)),
        "deal__donor_org_id",
        "deal__region_id",
        "deal__code",
        "deal__name",
        "on",
        "amount",
    ),
    "investment.jobs_created": Source(
        lambda s, e: JobsReport.objects.filter(on__range=(s, e)),
        "deal__donor_org_id",
        "deal__region_id",
        "deal__code",
        "deal__name",
        "on",
        "jobs_added",
    ),
    "people.aid_doctors": _long_term(Category.DOCTOR),
    "people.aid_teachers": _long_term(Category.TEACHER),
    "people.aid_cadres": _long_term(Category.CADRE),
    "people.short_term": Source(
        lambda s, e: Assignment.objects.filter(term=Term.SHORT, start__range=(s, e)),
        "member__donor_org_id",
        "region_id",
        _cat(V("柔性援疆#"), "id"),
        _cat("member__home_organisation", V("→"), "host_org_name"),
        "start",
    ),
    "people.short_term_batches": Source(
        lambda s, e: AidBatch.objects.filter(term=Term.SHORT, term_start__range=(s, e)),
        "donor_org_id",
        "region_id",
        _cat(V("批次#"), "id"),
        "name",
        "term_start",
    ),
    "people.mentor_pairs": Source(
        lambda s, e: MentorPair.objects.filter(start__range=(s, e)),
        "mentor__donor_org_id",
        "region_id",
        _cat(V("师带徒#"), "id"),
        _cat("field", V("·"), "apprentice_institution"),
        "start",
    ),
    "people.trainees": _training(Training.Kind.COURSE, "participants"),
    "people.training_courses": _training(Training.Kind.COURSE),
    "people.study_visits": _training(Training.Kind.STUDY_VISIT, "participants"),
    "people.study_visit_groups": _training(Training.Kind.STUDY_VISIT),
    "exchanges.events": _events(EXCHANGE_KINDS),
    "exchanges.event_participants": _events(EXCHANGE_KINDS, "participants"),
    "exchanges.study_tour_participants": _events([EventKind.STUDY_TOUR], "participants"),
    "exchanges.performances": _events([EventKind.PERFORMANCE]),
    "exchanges.cultural_events": _events([EventKind.CULTURAL]),
    "exchanges.fairs": _events([EventKind.FAIR]),
    "exchanges.fair_sales": _events([EventKind.FAIR], "amount_traded"),
    "exchanges.fair_exhibitors": _events([EventKind.FAIR], "exhibitors"),
    "exchanges.free_clinics": _events([EventKind.FREE_CLINIC]),
    "exchanges.investment_events": _events([EventKind.INVESTMENT]),
    "exchanges.promotion_meetings": _events([EventKind.PROMOTION]),
    "exchanges.partnerships.medical": _in_force(MEDICAL_KINDS, distinct=False),
    "exchanges.partnerships.hospital": _in_force(MEDICAL_KINDS, distinct=True),
    "exchanges.partnerships.school": _in_force(SCHOOL_KINDS, distinct=True),
}


def evidence_supported(record_source: str) -> bool:
    return record_source in SOURCES


def evidence_rows(
    *, record_source: str, start: date, end: date, axis: str, node_id: int
) -> list[EvidenceRow] | None:
    """The records behind one figure of a record indicator for a node of either tree.

    None when no record list is defined for ``record_source``.
    """
    source = SOURCES.get(record_source)
    if source is None:
        return None
    if axis == "o":
        under = OrgAncestor.objects.filter(ancestor_id=node_id).values("org_id")
        qs = source.records(start, end).filter(**{f"{source.org}__in": under})
    else:
        under = RegionAncestor.objects.filter(ancestor_id=node_id).values("region_id")
        qs = source.records(start, end).filter(**{f"{source.region}__in": under})
    fields = {
        "c": source.code if not isinstance(source.code, str) else F(source.code),
        "l": source.label if not isinstance(source.label, str) else F(source.label),
        "d": F(source.day),
    }
    if source.value:
        fields["v"] = F(source.value)
    rows = qs.order_by().values(**fields)
    found = [
        EvidenceRow(
            code=str(row["c"]),
            label=str(row["l"] or ""),
            day=row["d"],
            value=None if source.distinct else Decimal(row.get("v", 1) or 0),
        )
        for row in rows
    ]
    return sorted(found, key=lambda r: (r.day or date.min, r.code))
