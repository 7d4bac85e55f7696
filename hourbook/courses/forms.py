"""Forms of the authoring pages; the rules themselves live in services.authoring."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hourbook.accounts.scope import paths_q, scope_of
from hourbook.org.models import Unit

from .choices import LessonKind, Section

ACCEPT = ".mp4,.m4a,.webm,.mp3,.ogg,.oga,.opus,.wav,.flac,.pdf,video/mp4,video/webm,audio/*,application/pdf"


class CourseForm(forms.Form):
    section = forms.ChoiceField(label=_("栏目"), choices=Section.choices)
    title = forms.CharField(label=_("课程名称"), max_length=200)
    description = forms.CharField(
        label=_("课程简介"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    teacher_name = forms.CharField(label=_("主讲教师"), max_length=60)
    teacher_title = forms.CharField(label=_("教师职称/职务"), max_length=100, required=False)
    unit = forms.ModelChoiceField(
        label=_("发布范围"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("全院"),
        help_text=_("面向所选单位及其下属单位的职工"),
    )
    cover = forms.ImageField(label=_("封面图片"), required=False, help_text=_("PNG 或 JPEG，建议 16:9"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        units = (
            Unit.objects.all()
            if scope.academy_admin
            else Unit.objects.filter(paths_q(scope.hr_paths, "path"))
        )
        self.fields["unit"].queryset = units.order_by("path")
        if not scope.academy_admin:
            self.fields["unit"].required = True
            self.fields["unit"].empty_label = None
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class LessonForm(forms.Form):
    title = forms.CharField(label=_("课时名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=LessonKind.choices)
    file = forms.FileField(
        label=_("文件"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_(
            "视频：MP4（H.264/AAC）或 WebM；音频：MP3、M4A、Ogg、WAV；文档：PDF。时长由系统从文件读取。"
        ),
    )
    minutes = forms.IntegerField(
        label=_("学习时长（分钟）"),
        required=False,
        min_value=1,
        max_value=600,
        help_text=_("仅文档类课时填写"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


def apply_errors(form: forms.Form, exc) -> None:
    """Put a service's ValidationError on the form's fields (or on the form when it names none)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
