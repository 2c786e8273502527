from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.core.money import MoneyFormField

from .models import EventKind, PartnershipKind, SalesChannel

DATE = forms.DateInput(attrs={"type": "date"})


class EventForm(forms.Form):
    code = forms.CharField(label=_("编号"), max_length=40)
    kind = forms.ChoiceField(label=_("类型"), choices=EventKind.choices)
    title = forms.CharField(label=_("名称"), max_length=200)
    on = forms.DateField(label=_("日期"), widget=DATE)
    end_on = forms.DateField(label=_("结束日期"), widget=DATE, required=False)
    place = forms.CharField(label=_("举办地点"), max_length=128)
    organiser = forms.ModelChoiceField(label=_("组织机构"), queryset=None)
    region = forms.CharField(label=_("受援地"), max_length=64, required=False)
    participants = forms.IntegerField(label=_("参加人数"), initial=0)
    exhibitors = forms.IntegerField(label=_("参展企业（家）"), initial=0)
    deals_signed = forms.IntegerField(label=_("签约/合作项目（个）"), initial=0)
    amount_traded = MoneyFormField(label=_("成交金额（元）"), initial="0")
    intended_orders = MoneyFormField(label=_("意向订单金额（元）"), initial="0")
    people_served = forms.IntegerField(label=_("服务群众（人次）"), initial=0)
    medicine_value = MoneyFormField(label=_("赠送药品价值（元）"), initial="0")
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = orgs


class EventEditForm(EventForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("修改说明"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, orgs=None, **kwargs)
        # The code and the organiser stay as recorded.
        for name in ("code", "organiser"):
            del self.fields[name]


class PartnershipForm(forms.Form):
    code = forms.CharField(label=_("编号"), max_length=40)
    kind = forms.ChoiceField(label=_("类型"), choices=PartnershipKind.choices)
    donor_org = forms.ModelChoiceField(label=_("援疆机构"), queryset=None)
    donor_party_name = forms.CharField(label=_("援方单位"), max_length=128)
    local_party_name = forms.CharField(label=_("受援方单位"), max_length=128)
    region = forms.CharField(label=_("受援地"), max_length=64, help_text=_("区划名称或代码"))
    signed_on = forms.DateField(label=_("建立日期"), widget=DATE)
    planned_end = forms.DateField(label=_("约定截止日期"), widget=DATE, required=False)
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor_org"].queryset = orgs


class SalesChannelForm(forms.Form):
    code = forms.CharField(label=_("编号"), max_length=40)
    name = forms.CharField(label=_("名称"), max_length=128)
    kind = forms.ChoiceField(label=_("类型"), choices=SalesChannel.Kind.choices)
    operator = forms.CharField(label=_("外销主体"), max_length=128, help_text=_("经营该渠道的企业"))
    donor_org = forms.ModelChoiceField(label=_("扶持援疆机构"), queryset=None)
    region = forms.CharField(label=_("产品来源地"), max_length=64, help_text=_("区划名称或代码"))
    location = forms.CharField(label=_("所在地"), max_length=128, required=False)
    opened_on = forms.DateField(label=_("开设日期"), widget=DATE, required=False)
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor_org"].queryset = orgs


class PartnershipEditForm(PartnershipForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("修改说明"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, orgs=None, **kwargs)
        # The code, the organisation and the date it was set up stay as recorded.
        for name in ("code", "donor_org", "signed_on"):
            del self.fields[name]


class PartnershipEndForm(forms.Form):
    on = forms.DateField(label=_("结束日期"), widget=DATE)
    # Required by the service, which says so in its own words.
    reason = forms.CharField(label=_("结束原因"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class SalesChannelEditForm(SalesChannelForm):
    is_active = forms.BooleanField(label=_("经营中"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("修改说明"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, orgs=None, **kwargs)
        # The code, type, supporting organisation and opening date stay as recorded.
        for name in ("code", "kind", "donor_org", "opened_on"):
            del self.fields[name]


class SalesRecordForm(forms.Form):
    period_start = forms.DateField(label=_("期间开始"), widget=DATE)
    period_end = forms.DateField(label=_("期间结束"), widget=DATE)
    sales_amount = MoneyFormField(label=_("销售额（元）"))
    # Left blank: no subsidy paid.
    subsidy_paid = MoneyFormField(
        label=_("发放补贴（元）"), initial="0", required=False, empty_value=Decimal("0.00")
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SalesRecordCorrectForm(SalesRecordForm):
    """A correction of a recorded period, with the reason the history keeps. The channel
    cannot change: a record on the wrong channel is voided and entered again."""

    # Required by the service, which says so in its words beside the field.
    reason = forms.CharField(label=_("更正原因"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)


class SalesRecordVoidForm(forms.Form):
    reason = forms.CharField(label=_("作废原因"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)
