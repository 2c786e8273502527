from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.core.money import MoneyFormField

from .models import PIPELINE, Stage

DATE = forms.DateInput(attrs={"type": "date"})


class DealForm(forms.Form):
    code = forms.CharField(label=_("项目编号"), max_length=40)
    name = forms.CharField(label=_("项目名称"), max_length=200)
    enterprise = forms.CharField(label=_("投资企业"), max_length=200)
    donor_org = forms.ModelChoiceField(label=_("引进援疆机构"), queryset=None)
    region = forms.CharField(label=_("落地地点"), max_length=64, help_text=_("区划名称或代码"))
    stage = forms.ChoiceField(label=_("阶段"), choices=[(s.value, s.label) for s in PIPELINE])
    stage_date = forms.DateField(label=_("阶段日期"), widget=DATE)
    industry = forms.CharField(label=_("所属行业"), max_length=64, required=False)
    industry_chain = forms.CharField(label=_("产业链"), max_length=64, required=False)
    planned_investment = MoneyFormField(label=_("计划投资额（元）"), required=False)
    signed_amount = MoneyFormField(label=_("签约金额（元）"), required=False)
    jobs_expected = forms.IntegerField(label=_("预计带动就业（人）"), min_value=0, initial=0)
    description = forms.CharField(label=_("项目简介"), required=False, widget=forms.Textarea)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor_org"].queryset = orgs


class DealEditForm(DealForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("修改说明"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Code is fixed; stage and its date move through the stage form.
        for name in ("code", "stage", "stage_date"):
            del self.fields[name]


class DealStageForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("变更为"), choices=Stage.choices)
    on = forms.DateField(label=_("日期"), widget=DATE)
    signed_amount = MoneyFormField(
        label=_("签约金额（元）"), required=False, help_text=_("变更为签约时填写")
    )
    reason = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=500,
        help_text=_("跳过、回退或终止时必填"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class FundsInPlaceForm(forms.Form):
    amount = MoneyFormField(label=_("到位金额（元）"))
    on = forms.DateField(label=_("到位日期"), widget=DATE)
    reference = forms.CharField(label=_("凭证"), required=False, max_length=100)
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_over_signed = forms.BooleanField(
        label=_("确认累计到位资金超过签约金额"), required=False
    )


class FundsCorrectForm(forms.Form):
    """A correction of recorded funds in place, with the reason the history keeps."""

    amount = MoneyFormField(label=_("到位金额（元）"))
    on = forms.DateField(label=_("到位日期"), widget=DATE)
    reference = forms.CharField(label=_("凭证"), required=False, max_length=100)
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_over_signed = forms.BooleanField(
        label=_("确认累计到位资金超过签约金额"), required=False
    )
    # Required by the service, which says so in its words beside the field.
    reason = forms.CharField(label=_("更正原因"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)


class FundsVoidForm(forms.Form):
    reason = forms.CharField(label=_("作废原因"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)
