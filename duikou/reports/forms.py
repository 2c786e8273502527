from django import forms
from django.core.exceptions import ValidationError

from duikou.geo.models import Region

from .models import GeneratedReport
from .periods import report_period_parse
from .selectors import summary_subjects_for_user


class ReportRequestForm(forms.Form):
    """What to generate: a work summary (Word or PDF) or a month's dispatch table."""

    CHOICES = [
        ("summary:docx", "工作总结（Word）"),
        ("summary:pdf", "工作总结（PDF）"),
        ("dispatch:xlsx", "月调度表（Excel）"),
    ]
    what = forms.ChoiceField(label="报告", choices=CHOICES)
    org = forms.ModelChoiceField(label="机构", queryset=None, required=False)
    region = forms.CharField(label="或地区代码", required=False, max_length=12)
    period = forms.CharField(
        label="期间",
        max_length=40,
        help_text="如 2025、2023-2025、十四五、2025-10（月调度填月份）",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["org"].queryset = summary_subjects_for_user(user=user)

    def clean_period(self):
        try:
            return report_period_parse(self.cleaned_data["period"])
        except ValidationError as error:
            # The parser keys its refusal by "period"; a field's own clean gives bare messages.
            raise ValidationError(error.messages) from None

    def clean_region(self):
        code = self.cleaned_data["region"].strip()
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError("地区代码不存在")
        from duikou import policy

        scope = policy.scope_for(self.user)
        if not scope.sees_all and region.pk not in scope.region_ids:
            raise ValidationError("无权查看该地区")
        return region

    def clean(self):
        data = super().clean()
        kind, _, fmt = data.get("what", "summary:docx").partition(":")
        data["kind"], data["format"] = kind, fmt
        period = data.get("period")
        if kind == GeneratedReport.Kind.DISPATCH:
            if period is not None and (period.start.year, period.start.month) != (
                period.end.year,
                period.end.month,
            ):
                self.add_error("period", "月调度请填写一个月份，如 2025-10")
            data["region"] = None
        elif data.get("org") is None and data.get("region") is None:
            self.add_error("org", "请选择一个机构，或填写一个地区代码")
        elif data.get("org") is not None and data.get("region") is not None:
            self.add_error("region", "机构和地区只能选一个")
        return data


class ComplianceForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2010, max_value=2100, required=False)


class PublicationForm(forms.Form):
    """Publish a year's figures: everything (the national office) or one front command's."""

    year = forms.IntegerField(label="年度", min_value=2010, max_value=2100)
    org = forms.ChoiceField(label="发布范围")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, user, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        from duikou import policy

        choices = (
            [("", "全部（国家援疆办）")] if policy.publication_refusal(user, None) is None else []
        )
        choices += [(str(o.pk), f"{o.name}及其结对地区") for o in orgs]
        self.fields["org"].choices = choices
        self.orgs = {str(o.pk): o for o in orgs}

    def clean_org(self):
        return self.orgs.get(self.cleaned_data["org"])
