from django import forms
from django.core.validators import RegexValidator


class SignInForm(forms.Form):
    username = forms.CharField(
        label="Username", max_length=150, error_messages={"required": "Enter your username"}
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=200,
        error_messages={"required": "Enter your password"},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class CodeField(forms.CharField):
    def to_python(self, value: object) -> str:
        # People type codes as "123 456"; accept that.
        return str(super().to_python(value)).replace(" ", "")


class CodeForm(forms.Form):
    code = CodeField(
        label="Security code",
        help_text="The 6-digit code shown in your authenticator app",
        error_messages={"required": "Enter the 6-digit security code"},
        validators=[RegexValidator(r"^\d{6}$", "Enter the security code as 6 digits, like 123456")],
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        max_length=200,
        help_text="At least 12 characters; three random words work well",
        error_messages={"required": "Enter a password"},
    )
    password_again = forms.CharField(
        label="Enter the password again",
        strip=False,
        max_length=200,
        error_messages={"required": "Enter the password again"},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_again") != data["password"]:
            self.add_error("password_again", "The passwords do not match")
        return data
