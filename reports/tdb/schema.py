"""The Transparency Database's statement of reasons: every field it takes and every value it
accepts, as its API (v1, statement categories and keywords of the current taxonomy) defines them.

Values the database has retired are listed apart so that a statement carrying one is refused with
a message naming the retirement, not a bare "unknown value".
"""

from reports.models.tdb import StatementCategory

YES, NO = "Yes", "No"
YES_NO = frozenset({YES, NO})

VISIBILITY_OTHER = "DECISION_VISIBILITY_OTHER"
DECISION_VISIBILITY = frozenset(
    {
        "DECISION_VISIBILITY_CONTENT_REMOVED",
        "DECISION_VISIBILITY_CONTENT_DISABLED",
        "DECISION_VISIBILITY_CONTENT_DEMOTED",
        "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
        "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
        "DECISION_VISIBILITY_CONTENT_LABELLED",
        VISIBILITY_OTHER,
    }
)
MONETARY_OTHER = "DECISION_MONETARY_OTHER"
DECISION_MONETARY = frozenset(
    {"DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", MONETARY_OTHER}
)
DECISION_PROVISION = frozenset(
    {
        "DECISION_PROVISION_PARTIAL_SUSPENSION",
        "DECISION_PROVISION_TOTAL_SUSPENSION",
        "DECISION_PROVISION_PARTIAL_TERMINATION",
        "DECISION_PROVISION_TOTAL_TERMINATION",
    }
)
DECISION_ACCOUNT = frozenset({"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"})
# At least one of these says what was restricted.
DECISION_FIELDS = (
    "decision_visibility",
    "decision_monetary",
    "decision_provision",
    "decision_account",
)

ACCOUNT_TYPE = frozenset({"ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"})

GROUND_ILLEGAL = "DECISION_GROUND_ILLEGAL_CONTENT"
GROUND_INCOMPATIBLE = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
DECISION_GROUND = frozenset({GROUND_ILLEGAL, GROUND_INCOMPATIBLE})
# The fields each ground requires; the other ground's fields must be absent.
ILLEGAL_FIELDS = ("illegal_content_legal_ground", "illegal_content_explanation")
INCOMPATIBLE_FIELDS = ("incompatible_content_ground", "incompatible_content_explanation")
INCOMPATIBLE_OPTIONAL = ("incompatible_content_illegal",)

CONTENT_TYPE_OTHER = "CONTENT_TYPE_OTHER"
CONTENT_TYPE = frozenset(
    {
        "CONTENT_TYPE_APP",
        "CONTENT_TYPE_AUDIO",
        "CONTENT_TYPE_IMAGE",
        "CONTENT_TYPE_PRODUCT",
        "CONTENT_TYPE_SYNTHETIC_MEDIA",
        "CONTENT_TYPE_TEXT",
        "CONTENT_TYPE_VIDEO",
        CONTENT_TYPE_OTHER,
    }
)

CATEGORY = frozenset(StatementCategory.values)

KEYWORD_OTHER = "KEYWORD_OTHER"
# The specification keywords of the current taxonomy, by the category they belong to.
KEYWORDS_BY_AREA = {
    "Animal welfare": ("KEYWORD_ANIMAL_HARM", "KEYWORD_UNLAWFUL_SALE_ANIMALS"),
    "Consumer information": (
        "KEYWORD_HIDDEN_ADVERTISEMENT",
        "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS",
        "KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS",
        "KEYWORD_MISLEADING_INFO_GOODS_SERVICES",
        "KEYWORD_NONCOMPLIANCE_PRICING",
    ),
    "Cyber violence": (
        "KEYWORD_CYBER_BULLYING_INTIMIDATION",
        "KEYWORD_CYBER_HARASSMENT",
        "KEYWORD_CYBER_INCITEMENT",
        "KEYWORD_CYBER_STALKING",
        "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",
        "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
    ),
    "Cyber violence against women": (
        "KEYWORD_BULLYING_AGAINST_GIRLS",
        "KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN",
        "KEYWORD_CYBER_STALKING_AGAINST_WOMEN",
        "KEYWORD_FEMALE_GENDERED_DISINFORMATION",
        "KEYWORD_INCITEMENT_AGAINST_WOMEN",
        "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
        "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
    ),
    "Data protection and privacy violations": (
        "KEYWORD_BIOMETRIC_DATA_BREACH",
        "KEYWORD_MISSING_PROCESSING_GROUND",
        "KEYWORD_RIGHT_TO_BE_FORGOTTEN",
        "KEYWORD_DATA_FALSIFICATION",
    ),
    "Illegal or harmful speech": (
        "KEYWORD_DEFAMATION",
        "KEYWORD_DISCRIMINATION",
        "KEYWORD_HATE_SPEECH",
    ),
    "Intellectual property infringements": (
        "KEYWORD_COPYRIGHT_INFRINGEMENT",
        "KEYWORD_DESIGN_INFRINGEMENT",
        "KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
        "KEYWORD_PATENT_INFRINGEMENT",
        "KEYWORD_TRADE_SECRET_INFRINGEMENT",
        "KEYWORD_TRADEMARK_INFRINGEMENT",
    ),
    "Negative effects on civic discourse or elections": (
        "KEYWORD_MISINFORMATION_DISINFORMATION",
        "KEYWORD_VIOLATION_EU_LAW",
        "KEYWORD_VIOLATION_NATIONAL_LAW",
    ),
    "Non-consensual behaviour": ("KEYWORD_ONLINE_BULLYING_INTIMIDATION", "KEYWORD_STALKING"),
    "Sexual content": ("KEYWORD_ADULT_SEXUAL_MATERIAL",),
    "Protection of minors": (
        "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS",
        "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
        "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
        "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
        "KEYWORD_UNSAFE_CHALLENGES",
    ),
    "Risk for public security": (
        "KEYWORD_ILLEGAL_ORGANIZATIONS",
        "KEYWORD_RISK_ENVIRONMENTAL_DAMAGE",
        "KEYWORD_RISK_PUBLIC_HEALTH",
        "KEYWORD_TERRORIST_CONTENT",
    ),
    "Scams and fraud": (
        "KEYWORD_INAUTHENTIC_ACCOUNTS",
        "KEYWORD_INAUTHENTIC_LISTINGS",
        "KEYWORD_INAUTHENTIC_USER_REVIEWS",
        "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING",
        "KEYWORD_PHISHING",
        "KEYWORD_PYRAMID_SCHEMES",
    ),
    "Self-harm": (
        "KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS",
        "KEYWORD_SELF_MUTILATION",
        "KEYWORD_SUICIDE",
    ),
    "Scope of platform service": (
        "KEYWORD_AGE_SPECIFIC_RESTRICTIONS",
        "KEYWORD_GEOGRAPHICAL_REQUIREMENTS",
        "KEYWORD_GOODS_SERVICES_NOT_PERMITTED",
        "KEYWORD_LANGUAGE_REQUIREMENTS",
        "KEYWORD_NUDITY",
    ),
    "Unsafe and prohibited products": ("KEYWORD_PROHIBITED_PRODUCTS", "KEYWORD_UNSAFE_PRODUCTS"),
    "Violence": (
        "KEYWORD_COORDINATED_HARM",
        "KEYWORD_HUMAN_EXPLOITATION",
        "KEYWORD_HUMAN_TRAFFICKING",
        "KEYWORD_INCITEMENT_VIOLENCE_HATRED",
        "KEYWORD_TRAFFICKING_WOMEN_GIRLS",
    ),
    "Other": (KEYWORD_OTHER,),
}
KEYWORDS = frozenset(k for keywords in KEYWORDS_BY_AREA.values() for k in keywords)

# Values of the earlier taxonomy that the database now refuses.
RETIRED = frozenset(
    {
        "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT",
        "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR",
        "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
        "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS",
        "KEYWORD_DISINFORMATION",
        "KEYWORD_MISINFORMATION",
        "KEYWORD_FOREIGN_INFORMATION_MANIPULATION",
        "KEYWORD_NON_CONSENSUAL_ITEMS_DEEPFAKE",
        "KEYWORD_IMAGE_BASED_SEXUAL_ABUSE",
        "KEYWORD_INSUFFICIENT_INFORMATION_TRADERS",
        "KEYWORD_REGULATED_GOODS_SERVICES",
        "KEYWORD_DANGEROUS_TOYS",
        "KEYWORD_GENDER_BASED_VIOLENCE",
    }
)

# The countries of the European Economic Area.
TERRITORIAL_SCOPE = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip
EEA = frozenset(TERRITORIAL_SCOPE)

SOURCE_ARTICLE_16 = "SOURCE_ARTICLE_16"
SOURCE_TRUSTED_FLAGGER = "SOURCE_TRUSTED_FLAGGER"
SOURCE_OTHER_NOTIFICATION = "SOURCE_TYPE_OTHER_NOTIFICATION"
SOURCE_VOLUNTARY = "SOURCE_VOLUNTARY"
SOURCE_TYPE = frozenset(
    {SOURCE_ARTICLE_16, SOURCE_TRUSTED_FLAGGER, SOURCE_OTHER_NOTIFICATION, SOURCE_VOLUNTARY}
)

AUTOMATED_FULLY = "AUTOMATED_DECISION_FULLY"
AUTOMATED_PARTIALLY = "AUTOMATED_DECISION_PARTIALLY"
NOT_AUTOMATED = "AUTOMATED_DECISION_NOT_AUTOMATED"
AUTOMATED_DECISION = frozenset({AUTOMATED_FULLY, AUTOMATED_PARTIALLY, NOT_AUTOMATED})

# ISO 639-1, written in upper case as the database takes them.
CONTENT_LANGUAGE = frozenset(
    """
    AA AB AE AF AK AM AN AR AS AV AY AZ BA BE BG BI BM BN BO BR BS CA CE CH CO CR CS CU CV CY
    DA DE DV DZ EE EL EN EO ES ET EU FA FF FI FJ FO FR FY GA GD GL GN GU GV HA HE HI HO HR HT
    HU HY HZ IA ID IE IG II IK IO IS IT IU JA JV KA KG KI KJ KK KL KM KN KO KR KS KU KV KW KY
    LA LB LG LI LN LO LT LU LV MG MH MI MK ML MN MR MS MT MY NA NB ND NE NG NL NN NO NR NV NY
    OC OJ OM OR OS PA PI PL PS PT QU RM RN RO RU RW SA SC SD SE SG SI SK SL SM SN SO SQ SR SS
    ST SU SV SW TA TE TG TH TI TK TL TN TO TR TS TT TW TY UG UK UR UZ VE VI VO WA WO XH YI YO
    ZA ZH ZU
    """.split()  # noqa: SIM905 — 183 codes read better as a block than as a column
)

# Longest text each free field takes.
MAX_LENGTH = {
    "decision_visibility_other": 500,
    "decision_monetary_other": 500,
    "illegal_content_legal_ground": 500,
    "illegal_content_explanation": 2000,
    "incompatible_content_ground": 500,
    "incompatible_content_explanation": 2000,
    "decision_ground_reference_url": 500,
    "content_type_other": 500,
    "category_specification_other": 500,
    "decision_facts": 5000,
    "source_identity": 500,
    "puid": 500,
}

DATE_FIELDS = ("content_date", "application_date")
END_DATE_FIELDS = (
    "end_date_account_restriction",
    "end_date_monetary_restriction",
    "end_date_service_restriction",
    "end_date_visibility_restriction",
)
# The earliest date each field takes, and the latest any date takes.
EARLIEST = {"content_date": "2000-01-01", "application_date": "2020-01-01"}
LATEST = "2038-01-01"

REQUIRED = (
    "decision_ground",
    "content_type",
    "category",
    "content_date",
    "application_date",
    "decision_facts",
    "source_type",
    "automated_detection",
    "automated_decision",
    "puid",
)

FIELDS = frozenset(
    {
        *DECISION_FIELDS,
        "decision_visibility_other",
        "decision_monetary_other",
        "account_type",
        "decision_ground",
        "decision_ground_reference_url",
        *ILLEGAL_FIELDS,
        *INCOMPATIBLE_FIELDS,
        *INCOMPATIBLE_OPTIONAL,
        "content_type",
        "content_type_other",
        "content_id",
        "category",
        "category_addition",
        "category_specification",
        "category_specification_other",
        "territorial_scope",
        "content_language",
        *DATE_FIELDS,
        *END_DATE_FIELDS,
        "decision_facts",
        "source_type",
        "source_identity",
        "automated_detection",
        "automated_decision",
        "puid",
    }
)

PUID_PATTERN = r"^[a-zA-Z0-9_-]+$"
