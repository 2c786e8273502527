"""Demo personnel built from the corpus reports. Every name is an invented placeholder
(张医生A); no demo person carries an ID or phone number.

Reported figures used as they stand: 福建省第九批医疗卫生援疆工作队 arrived in May 2023
with 68 medical staff; “师带徒”人数达124人; 在闽举办培训班6场次，培训250余人; 近200名
卫生专业技术人才赴闽进修; 宁德 sent its first 13 trainees to 闽东医院 for 62 days;
三明 sent 5批26人次 of medical-reform experts (“小组团”) to 玛纳斯县; 山西第五批援疆
工作队 posted an 8-person teaching team to 昌吉州第二中学, trained 30 young arts
leaders in Shanxi (May 2025) and took 29 labour-bureau staff on a study visit.
How the reported totals split across courses, visits and dates is an example.
Loading is idempotent: records are matched on their natural keys.
"""

from datetime import date, timedelta

from django.db import transaction

from duikou.geo.models import Region
from duikou.orgs.models import Organisation
from duikou.orgs.services import organisation_get_or_create
from duikou.policy import SYSTEM

from .models import AidBatch, AidMember, Assignment, MentorPair, Term, Training
from .services import (
    assignment_create,
    batch_create,
    member_create,
    mentor_pair_create,
    training_create,
)

DEMO_MARK = "【演示数据】"
SOURCE = "演示数据"
MEDICAL_TEAM = "WT-350000-M9"
SURNAMES = "张王李赵陈刘林黄吴周徐孙马朱胡郭何"
HOSTS = [
    ("昌吉州人民医院", "652301"),
    ("昌吉州中医医院", "652301"),
    ("昌吉市人民医院", "652301"),
    ("阜康市人民医院", "652302"),
    ("呼图壁县人民医院", "652323"),
    ("玛纳斯县人民医院", "652324"),
    ("奇台县人民医院", "652325"),
    ("吉木萨尔县中医医院", "652327"),
    ("木垒县人民医院", "652328"),
]
FIELDS = ["心胸外科", "麻醉科", "康复医学科", "眼科", "耳鼻咽喉科", "消化内镜", "口腔科", "儿科"]
SKILLS = ["独立完成白内障手术", "独立开展胃肠镜检查", "独立完成常规麻醉", "独立开展康复评估"]


class _Loader:
    """Creates what is missing, counting what it created."""

    def __init__(self):
        self.created = 0
        self.orgs = {o.code: o for o in Organisation.objects.all()}
        self.regions = {r.code: r for r in Region.objects.filter(code__startswith="6523")}
        self.members = {(m.donor_org_id, m.name): m for m in AidMember.objects.all()}
        self.stints = set(Assignment.objects.values_list("member_id", "term", "start"))

    def org(self, code: str) -> Organisation:
        return self.orgs[code]

    def place(self, fields: dict) -> dict:
        """The fields with a region code replaced by the region (read once, not per record)."""
        if isinstance(fields.get("region"), str):
            fields = {**fields, "region": self.regions[fields["region"]]}
        return fields

    def batch(self, *, donor: str, name: str, **fields) -> AidBatch:
        found = AidBatch.objects.filter(donor_org=self.org(donor), name=name).first()
        if found:
            return found
        self.created += 1
        return batch_create(
            donor_org=self.org(donor),
            name=name,
            is_demo=True,
            source=SOURCE,
            **{"actor": SYSTEM, **self.place(fields)},
        )

    def member(self, *, donor: str, name: str, batch: AidBatch | None, **fields) -> AidMember:
        found = self.members.get((self.org(donor).pk, name))
        if found:
            return found
        self.created += 1
        return member_create(
            donor_org=self.org(donor),
            name=name,
            batch=batch,
            is_demo=True,
            source=SOURCE,
            **{"actor": SYSTEM, **self.place(fields)},
        )

    def stint(self, member: AidMember, *, term: str, start: date, **fields) -> None:
        if (member.pk, term, start) not in self.stints:
            self.created += 1
            assignment_create(
                member=member,
                term=term,
                start=start,
                is_demo=True,
                source=SOURCE,
                **{"actor": SYSTEM, **self.place(fields)},
            )

    def training(self, *, organiser: str, title: str, start: date, **fields) -> None:
        organiser_org = self.org(organiser)
        if not Training.objects.filter(organiser=organiser_org, title=title, start=start).exists():
            self.created += 1
            training_create(
                organiser=organiser_org,
                title=title,
                start=start,
                is_demo=True,
                source=SOURCE,
                **{"actor": SYSTEM, **self.place(fields)},
            )


def _fujian_medical_team(load: _Loader) -> None:
    team = organisation_get_or_create(
        code=MEDICAL_TEAM,
        defaults={
            "name": "福建省第九批医疗卫生援疆工作队",
            "short_name": "福建第九批医疗队",
            "side": Organisation.Side.DONOR,
            "kind": Organisation.Kind.WORK_TEAM,
            "parent": load.org("FC-350000"),
            "region": Region.objects.get(code="652300"),
            "is_demo": True,
        },
        actor=SYSTEM,
    )
    load.orgs[MEDICAL_TEAM] = team
    batch = load.batch(
        donor=MEDICAL_TEAM,
        name="福建省第九批医疗卫生援疆工作队",
        number=9,
        region="652300",
        term_start=date(2023, 5, 20),
        term_end=date(2026, 5, 19),
        note=f"{DEMO_MARK}报道：2023年5月，68名医疗干部人才来到昌吉（004号报道）；结束日期为示例。",
    )
    members = []
    for n in range(68):
        host, region = HOSTS[n % len(HOSTS)]
        name = f"{SURNAMES[n % len(SURNAMES)]}医生{'ABCD'[n // len(SURNAMES)]}"
        member = load.member(
            donor=MEDICAL_TEAM,
            name=name,
            batch=batch,
            sex="male" if n % 3 else "female",
            category="doctor",
            home_organisation="福建省示例医院",
            post=f"{FIELDS[n % len(FIELDS)]}援疆医生",
            role="队长" if n == 0 else "队员",
            host_org_name=host,
            region=region,
        )
        load.stint(member, term=Term.LONG, start=date(2023, 5, 20), end=date(2026, 5, 19))
        members.append(member)
    existing = set(
        MentorPair.objects.filter(mentor__batch=batch).values_list("mentor_id", "apprentice_name")
    )
    # 124 pairs: the first 56 doctors take two apprentices each, the other 12 one each.
    for n in range(124):
        mentor = members[n % 68]
        apprentice = f"本地医生{n + 1:03d}"
        if (mentor.pk, apprentice) in existing:
            continue
        load.created += 1
        mentor_pair_create(
            mentor=mentor,
            apprentice_name=apprentice,
            apprentice_institution=mentor.host_org_name,
            field=FIELDS[n % len(FIELDS)],
            start=date(2023, 7, 1) + timedelta(days=3 * n),
            can_do_alone=SKILLS[n % len(SKILLS)] if n % 2 == 0 else "",
            is_demo=True,
            source=SOURCE,
            actor=SYSTEM,
        )
    places = ["福州", "厦门", "泉州", "三明", "漳州", "宁德"]
    for n, (place, people) in enumerate(zip(places, [42, 42, 42, 42, 42, 40], strict=True)):
        load.training(
            organiser=MEDICAL_TEAM,
            title=f"昌吉州卫生健康人才赴闽培训班（第{n + 1}期）",
            start=date(2023, 9, 10) + timedelta(days=60 * n),
            kind="course",
            direction="go_out",
            place=place,
            days=10,
            participants=people,
            region="652300",
            batch=batch,
            note="报道：在闽举办培训班6场次，培训250余人（004号报道）；分期人数和日期为示例。",
        )
    for n, (people, days) in enumerate([(50, 30), (50, 60), (50, 90), (46, 90)]):
        load.training(
            organiser=MEDICAL_TEAM,
            title=f"卫生专业技术人才赴闽进修（第{n + 1}批）",
            start=date(2023, 10, 8) + timedelta(days=90 * n),
            kind="study_visit",
            direction="go_out",
            place="福建省属医院",
            days=days,
            participants=people,
            region="652300",
            batch=batch,
            note="报道：近200名卫生专业技术人才赴闽进修1至3个月（004号报道）；分批为示例。",
        )
    load.training(
        organiser="SC-350900",
        title="呼图壁县医学人才赴宁德闽东医院进修（首批）",
        start=date(2024, 8, 5),
        kind="study_visit",
        direction="go_out",
        place="宁德闽东医院",
        days=62,
        participants=13,
        region="652323",
        note="报道：首批13人于2024年8月前往宁德闽东医院进修62天（004号报道）；开始日为示例。",
    )


def _sanming_reform_experts(load: _Loader) -> None:
    starts = [date(2023, 10, 20), date(2024, 3, 18), date(2024, 6, 4), date(2024, 10, 14)]
    starts.append(date(2025, 4, 7))
    sizes = [6, 5, 5, 5, 5]  # 26 stints
    experts = [
        load.member(
            donor="SC-350400",
            name=f"医改专家{letter}",
            batch=None,
            sex="male",
            category="doctor",
            home_organisation="三明市示例医院",
            post="医共体管理柔性人才",
            host_org_name="玛纳斯县总医院",
            region="652324",
        )
        for letter in "ABCDEFGH"
    ]
    for n, (start, size) in enumerate(zip(starts, sizes, strict=True)):
        group = load.batch(
            donor="SC-350400",
            name=f"三明医改专家“小组团”第{n + 1}批",
            number=n + 1,
            term=Term.SHORT,
            region="652324",
            term_start=start,
            term_end=start + timedelta(days=6),
            note=f"{DEMO_MARK}报道：先后派出5批26人次的医改专家“小组团”（000号报道）；日期为示例。",
        )
        for k in range(size):
            load.stint(
                experts[(n + k) % len(experts)],
                term=Term.SHORT,
                start=start,
                end=start + timedelta(days=6),
                batch=group,
            )


def _shanxi_fifth_team(load: _Loader) -> None:
    batch = load.batch(
        donor="WT-140000-5",
        name="山西省第五批援疆工作队",
        number=5,
        region="652300",
        term_start=date(2023, 2, 20),
        term_end=date(2026, 2, 19),
        note=f"{DEMO_MARK}报道：第五批山西援疆工作队三年来的工作（002号报道）；任期日期为示例。",
    )
    for n, letter in enumerate("ABCDEFGH"):
        member = load.member(
            donor="WT-140000-5",
            name=f"山西教师{letter}",
            batch=batch,
            sex="female" if n % 2 else "male",
            category="teacher",
            home_organisation="山西省示例中学",
            post="副校长" if n == 0 else "学科骨干教师",
            role="团队负责人" if n == 0 else "队员",
            host_org_name="昌吉州第二中学",
            region="652301",
        )
        load.stint(member, term=Term.LONG, start=date(2023, 2, 20), end=date(2026, 2, 19))
    doctor = load.member(
        donor="WT-140000-5",
        name="杨医生A",
        batch=batch,
        sex="female",
        category="doctor",
        home_organisation="山西省示例医院",
        post="耳鼻喉科主任",
        host_org_name="阜康市人民医院",
        region="652302",
    )
    load.stint(doctor, term=Term.LONG, start=date(2023, 2, 20), end=date(2024, 8, 19))
    load.training(
        organiser="WT-140000-5",
        title="昌吉州中青年文艺领军人才培训班",
        start=date(2025, 5, 12),
        kind="course",
        direction="go_out",
        place="山西省",
        days=7,
        participants=30,
        region="652300",
        batch=batch,
        note="报道：2025年5月在山西举办，30名中青年文艺骨干参加（002号报道）；天数为示例。",
    )
    load.training(
        organiser="WT-140000-5",
        title="昌吉州人社系统业务骨干赴山西学习考察（首批）",
        start=date(2024, 11, 4),
        kind="study_visit",
        direction="go_out",
        place="山西省太原市、晋中市、忻州市",
        days=7,
        participants=29,
        region="652300",
        batch=batch,
        note="报道：首批昌吉州人社系统业务骨干29人赴山西学习考察（004号报道）；日期、天数为示例。",
    )
    load.training(
        organiser="SC-350600",
        title="木垒县文化旅游行业从业人员赴南平考察观摩交流",
        start=date(2024, 11, 6),
        kind="study_visit",
        direction="go_out",
        place="福建省南平市",
        days=6,
        participants=20,
        region="652328",
        note="报道：为期6天，共2期，下一期在漳州（004号报道）；人数和日期为示例。",
    )


@transaction.atomic
def load() -> int:
    """Create the demo personnel, mentorships and training that are missing."""
    loader = _Loader()
    _fujian_medical_team(loader)
    _sanming_reform_experts(loader)
    _shanxi_fifth_team(loader)
    return loader.created
