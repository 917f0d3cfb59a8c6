from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import User, clean_public_id
from reports.evidence import CleanImage, EvidenceError, clean_image
from reports.models import Category, Content, Reason
from reports.models.categories import REPORTABLE
from reports.models.choices import CategoryPurpose
from reports.services.intake import MAX_DESCRIPTION_LENGTH

ACCEPTED_IMAGES = "image/jpeg,image/png,image/webp,image/gif"


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Up to EVIDENCE_MAX_FILES screenshots, each cleaned (re-encoded, metadata stripped)."""

    widget = MultipleImageInput(attrs={"accept": ACCEPTED_IMAGES})

    def clean(self, data, initial=None) -> list[CleanImage]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > settings.EVIDENCE_MAX_FILES:
            raise forms.ValidationError(
                _("Attach at most %(limit)d screenshots."),
                params={"limit": settings.EVIDENCE_MAX_FILES},
                code="too_many",
            )
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(clean_image(upload))
            except EvidenceError as error:
                errors.append(
                    forms.ValidationError(
                        _("%(name)s: %(problem)s"),
                        params={"name": upload.name, "problem": str(error)},
                        code="bad_image",
                    )
                )
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class TextBoxField(forms.CharField):
    """Text from a text box, whose line breaks count once, as the box's maxlength counts them.

    Browsers send each line break as CRLF, so without this a text the box accepted could come
    back "too long" by one character per line.
    """

    def to_python(self, value) -> str:
        return super().to_python(value).replace("\r\n", "\n")


class ReportForm(forms.Form):
    """What a member fills in to report a member or one piece of their content."""

    member = forms.CharField(
        label=_("Member id of the person you are reporting"),
        max_length=16,
        help_text=_("You find it on their profile, under their name."),
    )
    content = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ModelChoiceField(
        label=_("What is wrong?"),
        queryset=Category.objects.filter(REPORTABLE),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose what is wrong."),
            "invalid_choice": _("This category no longer takes reports. Choose another one."),
        },
    )
    reason = forms.ModelChoiceField(
        label=_("More precisely"),
        queryset=Reason.objects.filter(
            is_active=True, category__is_active=True, category__purpose=CategoryPurpose.REPORTS
        ),
        required=False,
        widget=forms.RadioSelect,
    )
    description = TextBoxField(
        label=_("What happened?"),
        required=False,
        max_length=MAX_DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_DESCRIPTION_LENGTH}),
        help_text=_("Say what happened and when. Only our moderators read this."),
    )
    evidence = EvidenceField(
        label=_("Screenshots"),
        required=False,
        help_text=_("Up to 5 images (JPEG, PNG, WebP or GIF), 10 MB each."),
    )
    also_block = forms.BooleanField(label=_("Also block this member"), required=False)

    def __init__(self, *args, reporter: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reporter = reporter
        self.subject: User | None = None
        self.fields["evidence"].help_text = _(
            "Up to %(files)d images (JPEG, PNG, WebP or GIF), %(mb)d MB each."
        ) % {
            "files": settings.EVIDENCE_MAX_FILES,
            "mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        }

    def clean_member(self) -> str:
        public_id = clean_public_id(self.cleaned_data["member"])
        if public_id:
            self.subject = User.objects.filter(public_id=public_id, is_active=True).first()
        if self.subject is None:
            raise forms.ValidationError(_("No member has this id. Check it and try again."))
        if self.subject.pk == self.reporter.pk:
            raise forms.ValidationError(_("You cannot report yourself."))
        return public_id

    def clean(self) -> dict:
        cleaned = super().clean()
        content_id = cleaned.get("content")
        cleaned["content_object"] = None
        if content_id is not None and self.subject is not None:
            content = Content.objects.filter(pk=content_id, author=self.subject).first()
            if content is None:
                self.add_error("member", _("This content was not posted by that member."))
            cleaned["content_object"] = content
        category, reason = cleaned.get("category"), cleaned.get("reason")
        if category and reason and reason.category_id != category.pk:
            # Left checked under a category the member moved away from (without JavaScript
            # nothing unchecks it, and it is hidden): it is not what they meant.
            cleaned["reason"] = None
        if category and category.details_required and not cleaned.get("description", "").strip():
            self.add_error("description", _("Please describe what happened for this category."))
        return cleaned
