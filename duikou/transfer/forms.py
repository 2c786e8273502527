from django import forms

from .kinds import KINDS


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="数据类型", choices=[(k.key, k.label) for k in KINDS.values()])
    file = forms.FileField(label="文件（Excel .xlsx/.xls、WPS .et 或 .csv）")
