"""What a member writes to appeal a decision about them, or a reporter to ask for a review."""

from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from reports.services.appeals.filing import MAX_STATEMENT_LENGTH
from reports.web.forms.member import EvidenceField, TextBoxField


class AppealForm(forms.Form):
    """A member's appeal against a decision taken about them."""

    statement = TextBoxField(
        label=_("Why do you disagree with this decision?"),
        max_length=MAX_STATEMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": MAX_STATEMENT_LENGTH}),
        error_messages={
            "required": _("Say what you disagree with and why."),
            "max_length": _("Keep it under %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    evidence = EvidenceField(label=_("Screenshots (optional)"), required=False)

    statement_help = _(
        "Tell us what happened in your own words, and anything the moderator may not have "
        "known. Up to %(limit)s characters."
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statement"].help_text = self.statement_help % {
            "limit": number_format(MAX_STATEMENT_LENGTH, force_grouping=True)
        }
        self.fields["evidence"].help_text = _(
            "Up to %(files)d images (JPEG, PNG, WebP or GIF), %(mb)d MB each."
        ) % {
            "files": settings.EVIDENCE_MAX_FILES,
            "mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        }


class ReviewForm(AppealForm):
    """A reporter's request to look again at a report that ended with no violation found."""

    statement_help = _(
        "Tell us what we may have missed: what happened, when, and why it breaks the "
        "guidelines. Up to %(limit)s characters."
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statement"].label = _("Why should we look at your report again?")
