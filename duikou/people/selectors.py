"""Reads for aid personnel, scoped by the policy module.

Names, phone and ID numbers leave this module only for users the policy lets see
personal data (``policy.can_see_personal_data``); everyone else gets counts
(``member_counts_for_user``). ID numbers are shown masked even then.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from duikou import policy

from .models import AidBatch, AidMember, Assignment, Category, MentorPair, Term, Training

PERSONAL_REFUSAL = "无权查看人员个人信息，请查看汇总统计"


def _require_personal(user) -> None:
    if not policy.can_see_personal_data(user):
        raise PermissionDenied(PERSONAL_REFUSAL)


def _members(user) -> QuerySet[AidMember]:
    return policy.filter_by_org_and_region(
        user, AidMember.objects.all(), org_field="donor_org_id", region_field="region_id"
    )


def batch_list_for_user(*, user, term: str | None = None) -> QuerySet[AidBatch]:
    """Batches the user may see (no personal data), with their member counts."""
    qs = policy.filter_by_org_and_region(
        user, AidBatch.objects.all(), org_field="donor_org_id", region_field="region_id"
    )
    if term:
        qs = qs.filter(term=term)
    return qs.select_related("donor_org", "region").annotate(member_count=Count("members"))


def get_batch_for_user(*, user, pk: int) -> AidBatch:
    """A batch the user may see, or 404 (its existence is not revealed)."""
    batch = batch_list_for_user(user=user).filter(pk=pk).first()
    if batch is None:
        raise Http404("批次不存在或无权查看")
    return batch


def get_batch_for_user_rw(*, user, pk: int) -> AidBatch:
    """A batch the user may change: 404 if invisible, 403 if only readable."""
    batch = get_batch_for_user(user=user, pk=pk)
    if not policy.can_write_for_org(user, batch.donor_org_id):
        raise PermissionDenied("无权修改该批次")
    return batch


def member_list_for_user(
    *, user, batch: AidBatch | None = None, category: str | None = None
) -> QuerySet[AidMember]:
    """People the user may see, with their personal details. Refused without the right."""
    _require_personal(user)
    qs = _members(user)
    if batch is not None:
        qs = qs.filter(batch=batch)
    if category:
        qs = qs.filter(category=category)
    return qs.select_related("batch", "donor_org", "region", "host_org")


def get_member_for_user(*, user, pk: int) -> AidMember:
    """One person the user may see, or 404; refused without the right to personal data."""
    member = member_list_for_user(user=user).filter(pk=pk).first()
    if member is None:
        raise Http404("人员不存在或无权查看")
    return member


def get_member_for_user_rw(*, user, pk: int) -> AidMember:
    member = get_member_for_user(user=user, pk=pk)
    if not policy.can_write_for_org(user, member.donor_org_id):
        raise PermissionDenied("无权修改该人员信息")
    return member


def assignment_list_for_user(*, user, term: str | None = None) -> QuerySet[Assignment]:
    """Dated stints (long-term terms and 柔性援疆 visits) with the person's name, of people
    sent by organisations in scope or serving in places in scope; refused without the right
    to personal data."""
    _require_personal(user)
    qs = policy.filter_by_org_and_region(
        user, Assignment.objects.all(), org_field="member__donor_org_id", region_field="region_id"
    )
    if term:
        qs = qs.filter(term=term)
    return qs.select_related("member", "member__donor_org", "batch", "region")


def member_counts_for_user(*, user, batch: AidBatch | None = None) -> dict:
    """Counts anyone in scope may see: people by category and by batch, mentor pairs and
    short-term stints. No names."""
    members = _members(user)
    if batch is not None:
        members = members.filter(batch=batch)
    by_category = dict.fromkeys(Category.values, 0)
    for row in members.order_by().values("category").annotate(n=Count("id")):
        by_category[row["category"]] = row["n"]
    by_batch = [
        {"batch_id": row["batch_id"], "batch": row["batch__name"] or "未分批次", "count": row["n"]}
        for row in members.order_by("batch__term_start")
        .values("batch_id", "batch__name", "batch__term_start")
        .annotate(n=Count("id"))
    ]
    pairs = MentorPair.objects.filter(mentor__in=members.values("pk")).count()
    short = Assignment.objects.filter(member__in=members.values("pk"), term=Term.SHORT).count()
    return {
        "total": sum(by_category.values()),
        "by_category": [
            {"category": c.value, "label": c.label, "count": by_category[c.value]} for c in Category
        ],
        "by_batch": by_batch,
        "mentor_pairs": pairs,
        "short_term_assignments": short,
    }


def mentor_pair_list_for_user(*, user, batch: AidBatch | None = None) -> QuerySet[MentorPair]:
    """Mentor–apprentice pairs with names; refused without the right to personal data."""
    _require_personal(user)
    qs = policy.filter_by_org_and_region(
        user, MentorPair.objects.all(), org_field="mentor__donor_org_id", region_field="region_id"
    )
    if batch is not None:
        qs = qs.filter(mentor__batch=batch)
    return qs.select_related("mentor", "mentor__batch", "region")


def training_list_for_user(
    *, user, kind: str | None = None, year: int | None = None
) -> QuerySet[Training]:
    """Courses and study visits the user may see (counts only, no names)."""
    qs = policy.filter_by_org_and_region(
        user, Training.objects.all(), org_field="organiser_id", region_field="region_id"
    )
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(year=year)
    return qs.select_related("organiser", "region", "batch")


def training_totals_for_user(*, user, year: int | None = None) -> dict:
    """Number of courses and study visits and their participants, per kind."""
    rows = (
        training_list_for_user(user=user, year=year)
        .order_by()
        .values("kind")
        .annotate(events=Count("id"), participants=Sum("participants"))
    )
    totals = {k: {"events": 0, "participants": 0} for k in Training.Kind.values}
    for row in rows:
        totals[row["kind"]] = {"events": row["events"], "participants": row["participants"] or 0}
    return totals


def training_participants_for_user(*, user, training: Training) -> QuerySet:
    """The named participants of one training; refused without the right to personal data."""
    _require_personal(user)
    if not training_list_for_user(user=user).filter(pk=training.pk).exists():
        raise Http404("培训不存在或无权查看")
    return training.participant_list.all()
