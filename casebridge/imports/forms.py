from django import forms

from casebridge.imports.formats import extract_formats
from casebridge.imports.selectors import supplier_choices


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds",
        error_messages={"required": "Select what the file holds"},
    )
    supplied_by = forms.ModelChoiceField(
        label="Whose extract it is",
        queryset=supplier_choices(),
        empty_label="Select the agency",
        error_messages={"required": "Select the agency whose extract it is"},
    )
    file = forms.FileField(
        label="The file (CSV UTF-8 or Excel .xlsx)",
        error_messages={
            "required": "Select the file to import",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        kinds = [("", "Select what the file holds")]
        kinds += [(kind, extract.title) for kind, extract in extract_formats().items()]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        self.fields["supplied_by"].queryset = supplier_choices()  # type: ignore[attr-defined]
