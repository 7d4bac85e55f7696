from django import forms
from django.contrib.auth.forms import PasswordChangeForm as BasePasswordChangeForm
from django.utils.translation import gettext_lazy as _

from . import captcha
from .services import MSG_PASSWORD_SAME

MSG_CAPTCHA_WRONG = _("验证码错误或已失效，请输入新图片中的字符")


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
    captcha_key = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)
    captcha = forms.CharField(
        label=_("验证码"),
        max_length=8,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "latin", "class": "text-uppercase"}
        ),
    )

    def clean(self):
        data = super().clean()
        # One try per image, spent whether the rest of the form is right or not.
        if not captcha.passes(data.get("captcha_key", ""), data.get("captcha", "")):
            self.add_error("captcha", MSG_CAPTCHA_WRONG)
        return data


class PasswordChangeForm(BasePasswordChangeForm):
    """Django's form, refusing the current password as the new one (an initial password must really change)."""

    def clean_new_password1(self):
        password = self.cleaned_data.get("new_password1")
        if password and self.user.check_password(password):
            raise forms.ValidationError(MSG_PASSWORD_SAME, code="password_same")
        return password
