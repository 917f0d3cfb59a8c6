"""The case page's "Referrals and holds" section: the panel's rows, each with its form.

Built for the case page (views/cases.py) and again, with the refused form bound and its errors,
by the views that change referrals and holds (views/referrals.py).
"""

from dataclasses import dataclass

from django import forms

from accounts.models import User
from reports.models import Case, LegalHold, Referral
from reports.selectors.referrals import ReferralPanel, referral_panel
from reports.web.forms.referrals import HoldForm, LiftForm, ReferenceForm, ReferralForm


@dataclass
class ReferralSection:
    panel: ReferralPanel
    refer_form: ReferralForm | None
    hold_form: HoldForm | None
    referrals: list[tuple[Referral, ReferenceForm | None]]
    holds: list[tuple[LegalHold, LiftForm | None]]

    @property
    def open_refer_form(self) -> bool:
        """Open on a threat not referred yet, or to show what was refused; folded otherwise."""
        if not self.refer_form:
            return False
        first = self.panel.suggest_referral and not self.panel.referrals
        return bool(self.refer_form.errors) or first


def referral_section(case: Case, viewer: User, *, bound: forms.Form | None = None, row=None):
    """The section for this viewer, or None for those who may not see referrals.

    `bound` is a form the viewer sent and that was refused; `row` the referral or hold it was
    about, for the forms of one row.
    """
    panel = referral_panel(case, viewer)
    if panel is None:
        return None

    def form(kind: type[forms.Form], of=None, **kwargs) -> forms.Form:
        if isinstance(bound, kind) and (of is None or row == of):
            return bound
        return kind(**kwargs)

    return ReferralSection(
        panel=panel,
        refer_form=form(ReferralForm) if panel.may_refer else None,
        hold_form=form(HoldForm, auto_id="hold-%s") if panel.may_manage_holds else None,
        referrals=[
            (r, form(ReferenceForm, r, auto_id=f"reference-{r.pk}-%s") if panel.may_refer else None)
            for r in panel.referrals
        ],
        holds=[
            (
                h,
                form(LiftForm, h, auto_id=f"lift-{h.pk}-%s")
                if panel.may_manage_holds and h.is_active
                else None,
            )
            for h in panel.holds
        ],
    )
