"""The auditors' page: search the change history of every record."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from duikou.orgs.models import Organisation

from .selectors import change_entry_list_for_user, entity_choices

PAGE_SIZE = 50


class HistorySearchForm(forms.Form):
    entity = forms.ChoiceField(label=_("记录类型"), required=False)
    entity_id = forms.CharField(
        label=_("记录编号"), required=False, max_length=64, widget=forms.HiddenInput
    )
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    organisation = forms.ModelChoiceField(
        label=_("机构"), required=False, queryset=Organisation.objects.order_by("code")
    )
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput({"type": "date"})
    )
    reason = forms.CharField(label=_("原因包含"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].choices = [("", _("全部")), *entity_choices()]


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    form = HistorySearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = change_entry_list_for_user(
        user=request.user, **{k: v for k, v in filters.items() if v}
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {"form": form, "page": page, "entries": page.object_list, "query": query.urlencode()},
    )
