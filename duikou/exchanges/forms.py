from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EventKind

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
    amount_traded = forms.CharField(label=_("成交金额（元）"), initial="0")
    intended_orders = forms.CharField(label=_("意向订单金额（元）"), initial="0")
    people_served = forms.IntegerField(label=_("服务群众（人次）"), initial=0)
    medicine_value = forms.CharField(label=_("赠送药品价值（元）"), initial="0")
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = orgs
