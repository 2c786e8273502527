"""Where a figure happens: names without suffix, institutions, earlier text."""

from __future__ import annotations

from duikou.extract import extract
from duikou.extract.entities import find_places
from duikou.extract.regions import is_xinjiang_place, region_names


def test_the_region_table_gives_bare_xinjiang_names_and_provinces() -> None:
    names = region_names()
    assert names["莎车"] and names["巴楚县"] and names["第三师"]
    assert names["江苏"] is False
    assert "温泉" not in names  # an everyday word: only 温泉县 is a place
    assert "三师" not in names  # a count of teachers as often as a division


def test_bare_county_names_are_recognised() -> None:
    texts = [place.text for place in find_places("目前，莎车推行了新的医保办法，疏附也在跟进。")]
    assert texts == ["莎车", "疏附"]


def test_a_route_is_one_place() -> None:
    [route] = find_places("上海至喀什航线开通。")
    assert route.text == "上海至喀什"


def test_a_place_that_acted_earlier_sets_the_scene_of_later_sentences() -> None:
    text = "莎车推行了一系列改革。成效明显：患者人均药费下降21.5%。"
    [figure] = extract(text)
    assert (figure.place, figure.subject) == ("莎车", "")


def test_a_workplace_named_after_the_figures_is_their_place() -> None:
    text = "两年来，参与接诊3000余人次，这是江苏省援疆医生、伊宁县人民医院儿科主任李华的总结。"
    [figure] = extract(text)
    assert figure.place == "伊宁县人民医院"


def test_a_group_counted_before_it_travels_goes_where_it_travels() -> None:
    text = "近日，首批喀什地区教育系统骨干40人，赴广东省开展跟岗学习。"
    [figure] = extract(text)
    assert figure.place == "广东省"


def test_local_points_back_to_the_last_xinjiang_place_of_the_report() -> None:
    text = (
        "活动现场，疏附县妇联向儿童发放了爱心书包。\n\n"
        "在广东援疆工作队与广州市妇联的支持下，该活动已开展8年，累计为当地3000余名儿童送去文具。"
    )
    figures = extract(text)
    assert figures[-1].place == "疏附县"


def test_a_local_right_after_a_place_name_is_no_reference() -> None:
    text = "展厅展陈疏勒本地文物。展厅日均接待游客上百人。"
    [figure] = extract(text)
    assert figure.place == ""


def test_a_lead_without_figures_sets_the_scene_of_the_next_paragraph() -> None:
    text = (
        "近日，叶城县文旅从业人员赴江苏省苏州市开展考察交流活动。\n\n"
        "此次活动为期 5 天。学员们参观了多个景区。"
    )
    [figure] = extract(text)
    assert "苏州市" in figure.place


def test_a_branch_written_after_a_company_is_not_the_actor() -> None:
    text = "某某茶业股份有限公司喀什区域经理王明表示，目前某某茶业在疆门店数量已突破80家。"
    [figure] = extract(text)
    assert figure.subject != "喀什"


def test_places_inside_xinjiang_are_told_apart() -> None:
    assert is_xinjiang_place("莎车县")
    assert is_xinjiang_place("第三师图木舒克市")
    assert not is_xinjiang_place("苏州市")


def test_an_aiding_province_stays_the_actor_of_later_sentences() -> None:
    text = "江苏省持续加大援疆投入。全年累计投入3200余万元。"
    [figure] = extract(text)
    assert (figure.subject, figure.place) == ("江苏省", "")


def test_a_conjunction_before_a_field_is_no_place() -> None:
    assert find_places("加强技术指导和田间管理。") == []
    assert [place.text for place in find_places("赴和田开展调研。")] == ["和田"]


def test_a_township_missing_from_the_region_table_is_a_place_not_a_doer() -> None:
    text = "实施项目38个；新建高标准农田1.6万亩，其中阿瓦提镇0.5万亩。"
    figure = extract(text)[-1]
    assert (figure.place, figure.subject) == ("阿瓦提镇", "")


def test_local_is_never_the_donor_named_before_it() -> None:
    text = "今年以来，湖南省援疆前方指挥部在吐鲁番市引进湖南企业21家，带动当地群众就业2600余人。"
    figures = extract(text)
    assert [figure.place for figure in figures] == ["吐鲁番市", "吐鲁番市"]


def test_a_demonstrative_school_is_the_doer_and_a_bare_hospital_the_place() -> None:
    school = extract("援疆教师在洛浦县第二中学任教。今年，该校本科上线率达到52.4%。")[-1]
    assert (school.subject, school.place) == ("洛浦县第二中学", "")
    hospital = extract(
        "在墨玉县人民医院，北京专家帮助建设的卒中中心运行平稳。今年，医院四级手术量增长28%。"
    )[-1]
    assert (hospital.subject, hospital.place) == ("", "墨玉县人民医院")


def test_a_persons_workplace_is_the_place_of_what_they_do_in_later_paragraphs() -> None:
    text = (
        "——记援疆医生、阿合奇县人民医院副院长周海峰\n\n"
        "一年多来，周海峰开展新技术新项目11项，完成手术180余台。"
    )
    figures = extract(text)
    assert [(f.subject, f.place) for f in figures] == [("周海峰", "阿合奇县人民医院")] * 2


def test_a_donors_hospital_beside_a_person_is_not_the_place() -> None:
    text = (
        "在和田地区人民医院，团队负责人、天津医科大学总医院主任王立表示，医院今年新增重点专科2个。"
    )
    [figure] = extract(text)
    assert figure.place == "和田地区人民医院"


def test_a_place_stays_in_its_paragraph_but_an_events_venue_carries() -> None:
    text = (
        "今年，援疆工作组在乌恰县新建牧民定居点4个。\n\n"
        "明年，工作组计划新增就业岗位600个。\n\n"
        "“克州好物进苏州”展销会在苏州国际博览中心开幕，参展企业86家。\n\n"
        "展销会期间，现场销售额达到2100万元。"
    )
    figures = extract(text)
    assert [figure.place for figure in figures] == [
        "乌恰县",
        "",
        "苏州国际博览中心",
        "苏州国际博览中心",
    ]


def test_townships_with_uyghur_sounds_and_regiments_are_found() -> None:
    texts = [
        place.text for place in find_places("在巴格其镇建大棚，在英也尔乡和四十四团，其中疏附县")
    ]
    assert texts == ["巴格其镇", "英也尔乡", "四十四团", "疏附县"]


def test_a_team_staying_in_a_county_works_there() -> None:
    text = "山东寿光的蔬菜专家常驻岳普湖县，今年举办田间课堂96场。"
    [figure] = extract(text)
    assert figure.place == "岳普湖县"


def test_the_hospital_a_doctor_came_to_is_the_place_of_their_work() -> None:
    text = (
        "2024年2月，上海市第六人民医院骨科医生张海涛来到莎车县人民医院，担任骨科主任。\n\n"
        "一年多来，他完成关节置换手术126台，带教徒弟5名。"
    )
    assert [f.place for f in extract(text)] == ["莎车县人民医院", "莎车县人民医院"]


def test_here_is_the_place_the_sentence_before_was_about() -> None:
    text = "伊州区二堡镇是哈密瓜的主产区。河南援疆资金投入1200万元，在这里建成种植基地3000亩。"
    assert [f.place for f in extract(text)] == ["伊州区二堡镇", "伊州区二堡镇"]


def test_a_short_quoted_sentence_still_holds_figures() -> None:
    text = "“今年我们村种了300亩辣椒。”托万村党支部书记说。“十四五”期间建设的项目已投用。"
    assert [figure.text for figure in extract(text)] == ["300亩"]


def test_a_region_with_a_depot_in_beijing_is_still_the_place() -> None:
    text = "截至9月底，和田地区已有58个产品获得认证，在京设立前置仓3个。"
    figure = extract(text)[0]
    assert (figure.subject, figure.place) == ("", "和田地区")


def test_a_region_sending_people_is_the_place_people_going_are_counted_where_they_go() -> None:
    sent = extract("吐鲁番也选派400名学生赴湘研学。")[0]
    assert (sent.subject, sent.place) == ("", "吐鲁番")
    going = extract("2025年5月，昌吉州两批共76名师生赴山西省开展研学活动。")[-1]
    assert going.place == "山西省"


def test_local_teachers_name_no_place() -> None:
    [figure] = extract("全年共举办培训班，培训当地教师4800余人次。")
    assert figure.place == ""


def test_where_people_counted_are_spread_is_their_place() -> None:
    text = "目前，工作组共有援疆教师96名，分布在喀什地区12所学校。"
    assert extract(text)[0].place == "喀什地区"


def test_a_bracketed_heading_names_the_place_of_the_lines_under_it() -> None:
    text = "【疏附县】\n\n今年以来，新引进企业12家。\n\n【伽师县】\n\n新建标准化厂房4万平方米。"
    assert [f.place for f in extract(text)] == ["疏附县", "伽师县"]


def test_where_staff_come_from_is_no_place() -> None:
    text = "截至9月底，喀什深圳产业园吸纳就业5800人，其中南疆籍员工占比61%。"
    assert [f.place for f in extract(text)] == ["喀什深圳产业园", "喀什深圳产业园"]


def test_a_whole_area_is_the_paragraphs_county_or_stays_as_written() -> None:
    placed = extract("在莎车推行医改以来，患者药费下降21%，全县就诊人次增长30%。")
    assert [f.place for f in placed] == ["莎车", "莎车"]
    [alone] = extract("1—9月，全市接待游客1830万人次。")
    assert alone.place == "全市"


def test_a_stretch_of_months_is_one_period_and_carries() -> None:
    text = "今年1—10月，景区接待游客98万人次。民宿新增46家。"
    assert [f.period for f in extract(text)] == ["今年1—10月", "今年1—10月"]


def test_each_part_of_a_breakdown_has_the_place_before_its_number() -> None:
    text = "全市实施援疆项目96个，其中高昌区31个、鄯善县34个。"
    assert [f.place for f in extract(text)] == ["全市", "高昌区", "鄯善县"]


def test_a_name_in_a_focus_frame_is_where_the_work_goes() -> None:
    text = "以托克逊县为重点，湖南今年投入资金8600万元，改造农村供水管网140公里。"
    assert [f.place for f in extract(text)] == ["托克逊县", "托克逊县"]


def test_counts_after_respectively_take_the_listed_places_in_order() -> None:
    text = "疏附县、伽师县分别新增就业1200人和900人。"
    assert [f.place for f in extract(text)] == ["疏附县", "伽师县"]


def test_a_place_in_brackets_after_a_count_is_its_place() -> None:
    text = "新建幼儿园12所（乌什县），改造农村公路46公里（阿瓦提县）。"
    assert [f.place for f in extract(text)] == ["乌什县", "阿瓦提县"]


def test_a_line_that_is_only_a_decorated_place_heads_the_lines_under_it() -> None:
    text = "第一站：英吉沙县\n\n完成投资1.2亿元。\n\n麦盖提县篇\n\n新建学校3所。"
    assert [f.place for f in extract(text)] == ["英吉沙县", "麦盖提县"]


def test_here_in_the_paragraph_after_a_lead_is_the_leads_region() -> None:
    text = "伽师县是广东对口支援的重点县。\n\n今年，广东在这里投入援疆资金4.2亿元。"
    [figure] = extract(text)
    assert (figure.place, figure.subject) == ("伽师县", "广东")


def test_a_donor_beside_its_firms_is_whose_not_where() -> None:
    text = "伽师县纺织服装产业园今年新落地广东企业14家。"
    [figure] = extract(text)
    assert figure.place == "伽师县纺织服装产业园"


def test_a_counted_township_list_is_no_place_of_its_own() -> None:
    text = "两周时间里，我们深入莎车县的乡村，跑遍了14个乡镇。"
    [figure] = extract(text)
    assert (figure.place, figure.period) == ("莎车县", "两周时间里")


def test_a_site_just_built_is_the_place_of_what_follows() -> None:
    text = "我们在精河县建成枸杞精深加工产业园，入驻企业19家。"
    [figure] = extract(text)
    assert figure.place == "枸杞精深加工产业园"


def test_a_bare_division_after_a_locative_is_a_place() -> None:
    [figure] = extract("浙江选派到一师的教师、医生共有138名。")
    assert figure.place == "一师"


def test_a_local_place_a_topic_frame_works_on_is_the_place() -> None:
    text = "聚焦巴楚县留香瓜产业，今年种植面积达到4万亩。"
    [figure] = extract(text)
    assert figure.place == "巴楚县"


def test_a_quoted_sentence_names_its_place_and_time() -> None:
    [figure] = extract("“伽师县今年新增就业800人。”县长说。")
    assert (figure.place, figure.period) == ("伽师县", "今年")


def test_a_place_inside_a_quotation_does_not_carry_out_of_it() -> None:
    text = "“在石家庄已经卖出了15吨。”理事长说，合作社去年销售红枣420吨。"
    assert [f.place for f in extract(text)] == ["石家庄", ""]


def test_a_workplace_stated_with_is_is_where_the_person_works() -> None:
    text = "援疆医生王磊是策勒县人民医院的副院长。\n\n今年以来，王磊带领科室完成手术260台。"
    [figure] = extract(text)
    assert figure.place == "策勒县人民医院"


def test_where_a_count_is_spread_after_it_is_its_place() -> None:
    [figure] = extract("完成投资5亿元，涉及和田县、墨玉县两县。")
    assert figure.place == "和田县、墨玉县两县"


def test_stretches_since_arrival_and_of_months_are_periods() -> None:
    assert [f.period for f in extract("半年来，他带领团队开展新技术12项。")] == ["半年来"]
    assert [f.period for f in extract("入疆以来，工作队引进企业8家。")] == ["入疆以来"]
    assert [f.period for f in extract("今年前10个月，全县接待游客58万人次。")] == ["今年前10个月"]


def test_a_line_opening_on_a_place_and_a_bar_heads_the_lines_under_it() -> None:
    text = (
        "伽师县｜新梅红了\n\n新梅种植面积达到20万亩。\n\n"
        "疏附县：做强纺织服装产业\n\n新引进纺织企业12家。"
    )
    assert [f.place for f in extract(text)] == ["伽师县", "疏附县"]


def test_a_decorated_section_heading_ends_the_place_of_the_one_before() -> None:
    text = "01　伽师县\n\n新建温室大棚300个。\n\n02　一个团场的新气象\n\n连队职工人均增收3200元。"
    assert [f.place for f in extract(text)] == ["伽师县", ""]


def test_a_count_in_brackets_after_a_place_is_that_places() -> None:
    text = "疏附县（6.2亿元）、伽师县（5.8亿元）完成投资位居前列。"
    assert [f.place for f in extract(text)] == ["疏附县", "伽师县"]


def test_a_site_named_after_a_donor_city_is_a_local_site() -> None:
    [figure] = extract("广州新城今年新增就业岗位2300个。")
    assert (figure.place, figure.subject) == ("广州新城", "")


def test_our_county_in_an_answer_is_the_county_named_before() -> None:
    text = "记者来到伽师县采访。\n\n记者：今年的成效如何？\n\n答：我们县今年新增就业3000人。"
    [figure] = extract(text)
    assert (figure.place, figure.subject) == ("伽师县", "")
