"""The upload form: one .xlsx file, its size checked before a byte of it is read."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hourbook.common.xlsx import MAX_FILE_BYTES, MSG_TOO_LARGE


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        help_text=_("最多 5,000 行、5 MB；请使用本页下载的导入模板"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "class": "form-control",
            }
        ),
        error_messages={"required": _("请选择要上传的 Excel 文件"), "empty": _("文件是空的")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(MSG_TOO_LARGE % {"limit": MAX_FILE_BYTES // (1024 * 1024)})
        return upload
