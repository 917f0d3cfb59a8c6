"""Referrals to the authorities (DSA Art. 18): a threat to someone's life or safety, reported on.

The referral records what was sent to whom and when; the platform's duty is to inform the law
enforcement or judicial authorities of the member states concerned. Referring places a legal
hold on the member's evidence in the same transaction, so that what the authorities may ask for
is still there when they ask.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reports.models import AuditAction, Case, Referral
from reports.permissions import can_view_case, may_refer
from reports.services.audit import record_event
from reports.services.legal_holds import place_hold
from reports.storable import storable_text, unstorable_message

# ISO 3166-1 alpha-2, every code officially assigned.
_ISO_3166 = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
    BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW
    GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY
    KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV
    MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG
    TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM
    ZW
"""
COUNTRY_CODES = frozenset(_ISO_3166.split())
# Codes people write that ISO spells otherwise (the EU's own abbreviations among them).
COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}
MAX_COUNTRIES = 10
MAX_AUTHORITY_LENGTH = 200
MAX_SENT_LENGTH = 4000
MAX_REFERENCE_LENGTH = 200
# A clock a little ahead on the senior's computer is not a referral from the future.
CLOCK_SKEW = timedelta(minutes=5)


def clean_countries(
    countries: Iterable[str], *, limit: int = MAX_COUNTRIES, none_given: str = ""
) -> list[str]:
    """Upper-case ISO codes in the order given, each once; ValidationError on "countries".

    `none_given` says what to name when the list is empty (a referral's countries concerned by
    default), `limit` how many there may be.
    """
    codes: list[str] = []
    for code in countries:
        code = str(code).strip().upper()
        if code and code not in codes:
            codes.append(code)
    if not codes:
        raise ValidationError(
            {
                "countries": [
                    none_given or _("Name at least one country concerned, as a two-letter code.")
                ]
            }
        )
    if len(codes) > limit:
        raise ValidationError({"countries": [_("Name at most %(n)d countries.") % {"n": limit}]})
    errors = []
    for code in codes:
        if code in COUNTRY_ALIASES:
            errors.append(
                _("“%(code)s” is written %(iso)s in ISO 3166.")
                % {"code": code, "iso": COUNTRY_ALIASES[code]}
            )
        elif code not in COUNTRY_CODES:
            errors.append(
                _("“%(code)s” is not a two-letter ISO 3166 country code.") % {"code": code[:10]}
            )
    if errors:
        raise ValidationError({"countries": errors})
    return codes


def _text(value: str, *, field: str, limit: int, required: bool) -> str:
    value = value.strip()
    if required and not value:
        raise ValidationError({field: [_("This field is required.")]})
    if len(value) > limit:
        raise ValidationError({field: [_("Keep it under %(n)d characters.") % {"n": limit}]})
    if not storable_text(value):
        raise ValidationError({field: [unstorable_message()]})
    return value


def _check_referrer(actor: User, case: Case) -> None:
    if not (may_refer(actor) and can_view_case(actor, case)):
        raise PermissionDenied("Only senior moderators and T&S admins refer cases they can see.")


@transaction.atomic
def refer_case(
    *,
    case: Case,
    actor: User,
    countries: Iterable[str],
    authority: str,
    sent: str,
    sent_at: datetime | None = None,
    reference: str = "",
) -> Referral:
    """Record that this case was referred to an authority, and hold the member's evidence.

    `sent` says what the authority was given; `sent_at` is when (now when not given, never in
    the future). `reference` is the authority's own, when they gave one at once
    (record_reference adds it later). All field errors are raised together.
    """
    _check_referrer(actor, case)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    cleaned = {}
    checks = {
        "countries": lambda: clean_countries(countries),
        "authority": lambda: _text(
            authority, field="authority", limit=MAX_AUTHORITY_LENGTH, required=True
        ),
        "sent": lambda: _text(sent, field="sent", limit=MAX_SENT_LENGTH, required=True),
        "reference": lambda: _text(
            reference, field="reference", limit=MAX_REFERENCE_LENGTH, required=False
        ),
    }
    for name, check in checks.items():
        try:
            cleaned[name] = check()
        except ValidationError as error:
            errors.update(error.message_dict)
    if sent_at is not None and sent_at > now + CLOCK_SKEW:
        errors["sent_at"] = [_("A referral cannot have been sent in the future.")]
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(
        case=case,
        member=case.subject,
        countries=cleaned["countries"],
        authority=cleaned["authority"],
        sent=cleaned["sent"],
        sent_at=sent_at or now,
        sent_by=actor,
        reference=cleaned["reference"],
    )
    # What was sent can hold personal details: it stays on the referral, which can be
    # corrected, not in the append-only trail.
    record_event(
        action=AuditAction.CASE_REFERRED,
        target=referral,
        actor=actor,
        case=case,
        after={
            "countries": referral.countries,
            "authority": referral.authority,
            "sent_at": referral.sent_at,
            "reference": referral.reference,
        },
    )
    place_hold(
        member=case.subject,
        actor=actor,
        case=case,
        referral=referral,
        reason=_("Referred to %(authority)s (referral %(n)d).")
        % {"authority": referral.authority, "n": referral.pk},
    )
    return referral


@transaction.atomic
def record_reference(*, referral_id: int, actor: User, reference: str) -> Referral:
    """The authority's reference, received after the referral was sent (or corrected)."""
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral_id)
    _check_referrer(actor, referral.case)
    reference = _text(reference, field="reference", limit=MAX_REFERENCE_LENGTH, required=True)
    if reference == referral.reference:
        return referral
    before = referral.reference
    referral.reference = reference
    referral.save(update_fields=["reference"])
    record_event(
        action=AuditAction.CASE_REFERRED,
        target=referral,
        actor=actor,
        case=referral.case_id,
        before={"reference": before},
        after={"reference": reference},
        message=_("Reference received from the authority."),
    )
    return referral
