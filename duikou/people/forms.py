"""Forms parse what users type; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Sex, Term

DATE = forms.DateInput(attrs={"type": "date"})


class BatchForm(forms.Form):
    donor_org = forms.ModelChoiceField(label=_("选派机构"), queryset=None)
    number = forms.IntegerField(label=_("批次"), min_value=1, help_text=_("第N批"))
    term = forms.ChoiceField(label=_("类型"), choices=Term.choices)
    name = forms.CharField(
        label=_("名称"), max_length=128, required=False, help_text=_("留空则为“第N批”")
    )
    region = forms.CharField(
        label=_("受援地"), max_length=64, required=False, help_text=_("区划名称或代码")
    )
    term_start = forms.DateField(label=_("开始日期"), widget=DATE)
    term_end = forms.DateField(label=_("结束日期"), widget=DATE, required=False)
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor_org"].queryset = orgs


class BatchEditForm(BatchForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("修改说明"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, orgs=None, **kwargs)
        # Organisation, number and type identify the batch and stay as recorded.
        for name in ("donor_org", "number", "term"):
            del self.fields[name]
        self.fields["name"].required = True


class MemberForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=64)
    sex = forms.ChoiceField(label=_("性别"), choices=Sex.choices)
    category = forms.ChoiceField(label=_("人员类别"), choices=Category.choices)
    home_organisation = forms.CharField(label=_("派出单位"), max_length=128, required=False)
    post = forms.CharField(label=_("援疆职务"), max_length=128, required=False)
    role = forms.CharField(
        label=_("队内角色"), max_length=64, required=False, help_text=_("如领队、队长、队员")
    )
    region = forms.CharField(label=_("服务地"), max_length=64, help_text=_("区划名称或代码"))
    host_org_name = forms.CharField(label=_("受援单位名称"), max_length=128, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=24, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MemberEditForm(MemberForm):
    """A person's details. The ID number is shown masked, as everywhere: sent back unchanged
    it stands for the number on file (``cleaned_data["id_number"]`` is None); a new number
    replaces it and an empty field removes it."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("修改说明"), required=False, max_length=500)

    def __init__(self, *args, id_number_masked: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.id_number_masked = id_number_masked
        self.initial["id_number"] = id_number_masked
        if id_number_masked:
            self.fields["id_number"].help_text = _(
                "已打码显示；保留原样则不修改，如需更正请填写完整号码"
            )

    def clean_id_number(self) -> str | None:
        value = self.cleaned_data["id_number"].strip()
        if "*" not in value:
            return value
        if value != self.id_number_masked:
            raise forms.ValidationError(_("身份证号已打码显示，如需更正请填写完整的18位号码"))
        return None
