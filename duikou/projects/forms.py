"""Forms parse what users type; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.core.filetypes import ALLOWED
from duikou.core.money import MoneyFormField
from duikou.orgs.models import Programme

from .models import DocumentKind, FundSource, Sector, TransactionKind

DATE = forms.DateInput(attrs={"type": "date"})
# A drop-down longer than this is cut to the branch of the donor tree the project is in:
# rendering the 12,000 organisations of a national ledger takes seconds.
ORG_CHOICES_LIMIT = 500


class ProjectForm(forms.Form):
    code = forms.CharField(label=_("项目编号"), max_length=40)
    programme = forms.ModelChoiceField(label=_("援助计划"), queryset=Programme.objects.all())
    name = forms.CharField(label=_("项目名称"), max_length=200)
    donor_org = forms.ModelChoiceField(label=_("实施援疆机构"), queryset=None)
    region = forms.CharField(
        label=_("项目地点"), max_length=64, help_text=_("区划名称或代码，如 玛纳斯县 或 652324")
    )
    sector = forms.ChoiceField(label=_("行业领域"), choices=Sector.choices)
    is_livelihood = forms.BooleanField(label=_("民生项目"), required=False)
    plan_year = forms.IntegerField(label=_("计划年度"), min_value=2010, max_value=2100)
    planned_start = forms.DateField(label=_("计划开工"), widget=DATE)
    planned_end = forms.DateField(label=_("计划完工"), widget=DATE)
    budget_aid = MoneyFormField(label=_("援疆资金计划（元）"), required=False)
    budget_local = MoneyFormField(label=_("地方配套计划（元）"), required=False)
    budget_social = MoneyFormField(label=_("社会资金计划（元）"), required=False)
    description = forms.CharField(label=_("项目简介"), required=False, widget=forms.Textarea)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor_org"].queryset = orgs
        self.fields["programme"].initial = Programme.objects.order_by("start_date").first()

    def budgets(self) -> dict:
        data = self.cleaned_data
        found = {
            FundSource.AID: data.get("budget_aid"),
            FundSource.LOCAL: data.get("budget_local"),
            FundSource.SOCIAL: data.get("budget_social"),
        }
        return {k: v for k, v in found.items() if v is not None}


class ProjectEditForm(ProjectForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("修改说明"), required=False, max_length=500)

    def __init__(self, *args, branch=None, **kwargs):
        """``branch``: the organisation whose subtree the drop-down lists when the user may
        write for too many; any writable organisation is still accepted."""
        super().__init__(*args, **kwargs)
        for name in ("code", "programme", "budget_aid", "budget_local", "budget_social"):
            del self.fields[name]
        field = self.fields["donor_org"]
        if branch is not None and field.queryset.count() > ORG_CHOICES_LIMIT:
            branch_ids = field.queryset.filter(ancestor_links__ancestor=branch).values("pk")
            shown = set(branch_ids.values_list("pk", flat=True)[:ORG_CHOICES_LIMIT])
            current = self.initial.get("donor_org")
            if current is not None:  # the project's own organisation is always offered
                shown.add(current.pk)
            choices = forms.ModelChoiceField(queryset=field.queryset.filter(pk__in=shown))
            field.widget.choices = choices.choices


class TransactionForm(forms.Form):
    fund_source = forms.ChoiceField(label=_("资金来源"), choices=FundSource.choices)
    kind = forms.ChoiceField(label=_("类型"), choices=TransactionKind.choices)
    amount = MoneyFormField(label=_("金额（元）"))
    on = forms.DateField(label=_("日期"), widget=DATE)
    reference = forms.CharField(label=_("文号/凭证"), required=False, max_length=100)
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TransactionCorrectForm(forms.Form):
    """A correction of a recorded transaction; source and kind stay (void and re-enter)."""

    amount = MoneyFormField(label=_("金额（元）"))
    on = forms.DateField(label=_("日期"), widget=DATE)
    reference = forms.CharField(label=_("文号/凭证"), required=False, max_length=100)
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # Required by the service, which says so in its words beside the field.
    reason = forms.CharField(label=_("更正原因"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)


class TransactionVoidForm(forms.Form):
    reason = forms.CharField(label=_("作废原因"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ProgressForm(forms.Form):
    year = forms.IntegerField(label=_("年"), min_value=2010, max_value=2100)
    month = forms.IntegerField(label=_("月"))
    percent_complete = forms.CharField(label=_("形象进度（%）"), max_length=10)
    amount_spent = MoneyFormField(label=_("累计支出（元）"))
    problems = forms.CharField(
        label=_("存在问题"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TransitionForm(forms.Form):
    to_status = forms.CharField(max_length=16)
    on = forms.DateField(label=_("日期"), widget=DATE)
    reason = forms.CharField(label=_("说明"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("文件"),
        # Empty files reach the service, which says so in its own words.
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": ",".join(f".{e}" for e in ALLOWED)}),
    )
    kind = forms.ChoiceField(label=_("类别"), choices=DocumentKind.choices)
    title = forms.CharField(
        label=_("标题"), required=False, max_length=200, help_text=_("不填则用文件名")
    )
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DocumentRemoveForm(forms.Form):
    reason = forms.CharField(label=_("删除原因"), max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)
