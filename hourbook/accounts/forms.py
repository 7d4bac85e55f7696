from django import forms
from django.contrib.auth.forms import PasswordChangeForm as BasePasswordChangeForm
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    account = forms.CharField(
        label=_("账号"),
        max_length=150,
        help_text=_("用户名或员工ARP编号"),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    captcha = forms.CharField(
        label=_("验证码"),
        max_length=8,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "latin", "class": "text-uppercase"}
        ),
    )


class PasswordChangeForm(BasePasswordChangeForm):
    pass
