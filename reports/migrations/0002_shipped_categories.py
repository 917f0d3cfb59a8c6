"""The nine report categories of the community's "When should I report someone?" page.

Each category and reason is written for members, in English and Simplified Chinese, and comes
with a policy, escalation tiers, an enforcement ladder and statement-of-reasons templates that
admins can change later. The data is frozen here on purpose: later edits happen in the admin.
"""

from datetime import timedelta

from django.db import migrations

H = timedelta(hours=1)
D = timedelta(days=1)

LOW, MEDIUM, HIGH, CRITICAL = 1, 2, 3, 4
FRONTLINE, SENIOR, LEAD, EMERGENCY = 1, 2, 3, 4

# slug, name, description, zh name, zh description, severity, sla, details required, reasons.
# A reason is: slug, name, description, zh name, severity or None, sla or None, critical.
CATEGORIES = [
    (
        "dating-sexual",
        "Flirting, dating or sexual talk",
        "The member is not here to learn a language. They use the app to meet people for "
        "dating or flirting, or they start conversations about sex.",
        "搭讪、约会或性话题",
        "对方并非来学习语言，而是利用本应用结识约会、调情对象，或主动发起与性有关的对话。",
        MEDIUM,
        24 * H,
        False,
        [
            (
                "flirting",
                "Flirting or dating requests",
                "Unwanted flirting, asking for dates or romantic talk instead of practice.",
                "调情或约会邀请",
                None,
                None,
                False,
            ),
            (
                "sexual-talk",
                "Sexual conversation",
                "Starting or pushing conversations about sex.",
                "性话题",
                HIGH,
                12 * H,
                False,
            ),
        ],
    ),
    (
        "hate-abuse",
        "Hate, abuse, threats or harmful content",
        "Prejudice or discrimination of any kind (racism, sexism, religious, political or social "
        "hatred), rudeness, threats, violence, obscene or unlawful content, anything that shows or "
        "encourages harm to someone (including self-harm), and posting other people's private "
        "information, such as screenshots of their profile, chats or posts.",
        "仇恨、辱骂、威胁或有害内容",
        "任何形式的偏见或歧视（种族、性别、宗教、政治或社会仇恨）、粗鲁言行、威胁、暴力、淫秽或违法内容，"
        "任何展示或鼓励伤害他人（包括自我伤害）的内容，以及公开他人的隐私信息，例如其资料、聊天或动态的截图。",
        HIGH,
        12 * H,
        False,
        [
            (
                "self-harm",
                "Self-harm or suicide",
                "Someone says they may hurt themselves, or encourages others to.",
                "自我伤害或自杀",
                CRITICAL,
                1 * H,
                True,
            ),
            (
                "threat",
                "Threat of violence",
                "A threat to hurt or kill someone.",
                "暴力威胁",
                CRITICAL,
                1 * H,
                True,
            ),
            (
                "hate",
                "Hate or discrimination",
                "Attacks on people for their race, ethnicity, nationality, sex, religion, beliefs or who they are.",
                "仇恨或歧视",
                HIGH,
                12 * H,
                False,
            ),
            (
                "obscene",
                "Obscene or violent content",
                "Pornographic, obscene, gory or violent content.",
                "淫秽或暴力内容",
                HIGH,
                12 * H,
                False,
            ),
            (
                "private-info",
                "Someone's private information",
                "Phone numbers, addresses, or screenshots of profiles, chats or posts shared without consent.",
                "泄露他人隐私",
                HIGH,
                12 * H,
                False,
            ),
            (
                "unlawful",
                "Unlawful content",
                "Content that looks illegal, such as selling drugs or weapons.",
                "违法内容",
                HIGH,
                12 * H,
                False,
            ),
            (
                "rudeness",
                "Rudeness or insults",
                "Insults, mockery or rude behaviour.",
                "粗鲁或侮辱",
                LOW,
                48 * H,
                False,
            ),
            (
                "other-abuse",
                "Something else abusive or offensive",
                "Abusive, offensive or objectionable content that fits none of the above.",
                "其他辱骂或冒犯内容",
                MEDIUM,
                24 * H,
                False,
            ),
        ],
    ),
    (
        "spam-solicitation",
        "Spam, advertising or solicitation",
        "Commercial offers for products or services, pushing you to someone's personal page, "
        "social account or contact details, asking for money or donations, and repeated posts "
        "with no value.",
        "垃圾信息、广告或招揽",
        "推销商品或服务，引导你前往某人的个人主页、社交账号或联系方式，索要钱财或捐款，以及重复发布无意义的内容。",
        LOW,
        48 * H,
        False,
        [
            (
                "advertising",
                "Advertising or selling",
                "Offers of products, services or paid lessons outside the app's rules.",
                "广告或推销",
                None,
                None,
                False,
            ),
            (
                "off-platform",
                "Pushing contact details or other apps",
                "Sending people to a personal page, social account, phone number or another app.",
                "引导至站外联系方式",
                None,
                None,
                False,
            ),
            (
                "money",
                "Asking for money or donations",
                "Requests for money, gifts, donations or investments.",
                "索要钱财或捐款",
                MEDIUM,
                24 * H,
                False,
            ),
            (
                "repetitive",
                "Repetitive posts",
                "The same or meaningless posts again and again.",
                "重复发帖",
                None,
                None,
                False,
            ),
        ],
    ),
    (
        "inappropriate-profile",
        "Inappropriate profile",
        "A profile whose photos, username, ID or self-introduction are offensive, sexual or "
        "otherwise inappropriate.",
        "不当的个人资料",
        "个人资料中的照片、用户名、ID 或自我介绍具有冒犯性、色情性或其他不当内容。",
        MEDIUM,
        24 * H,
        False,
        [
            (
                "photo",
                "Profile photo",
                "The profile photo is sexual, violent or offensive.",
                "头像",
                None,
                None,
                False,
            ),
            (
                "username",
                "Username or ID",
                "The username or ID is offensive.",
                "用户名或 ID",
                None,
                None,
                False,
            ),
            (
                "self-introduction",
                "Self-introduction",
                "The self-introduction is offensive or breaks the guidelines.",
                "自我介绍",
                None,
                None,
                False,
            ),
        ],
    ),
    (
        "harassment",
        "Harassment, bullying or stalking",
        "Someone harms, stalks, bullies or harasses others, in words or actions, including keeping "
        "on disturbing people through chats, posts or comments after being asked to stop.",
        "骚扰、霸凌或跟踪",
        "有人以言语或行为伤害、跟踪、霸凌或骚扰他人，包括在被要求停止后仍通过聊天、动态或评论持续打扰他人。",
        HIGH,
        12 * H,
        False,
        [
            (
                "harassment",
                "Harassment",
                "Unwanted, hostile or intimidating contact.",
                "骚扰",
                None,
                None,
                False,
            ),
            (
                "bullying",
                "Bullying",
                "Repeatedly mocking, shaming or ganging up on someone.",
                "霸凌",
                None,
                None,
                False,
            ),
            (
                "stalking",
                "Stalking",
                "Following someone across chats, posts or accounts, or tracking them down.",
                "跟踪",
                None,
                8 * H,
                False,
            ),
            (
                "persistent-contact",
                "Won't stop contacting me",
                "Keeps messaging or commenting after being asked to stop.",
                "持续纠缠",
                MEDIUM,
                24 * H,
                False,
            ),
        ],
    ),
    (
        "fake-account",
        "Fake identity or impersonation",
        "Several accounts for one person, an account with false details (such as nationality, "
        "native language, age or gender), pretending to be someone else, or lying about a link "
        "with a person or organisation.",
        "虚假身份或冒充他人",
        "一人注册多个账号，账号信息虚假（如国籍、母语、年龄或性别），冒充他人，或谎称与某人或某机构有关。",
        MEDIUM,
        72 * H,
        False,
        [
            (
                "false-details",
                "False profile details",
                "Nationality, native language, age or gender are not true.",
                "资料信息虚假",
                LOW,
                None,
                False,
            ),
            (
                "impersonation",
                "Impersonation",
                "Pretends to be another person, a teacher, a brand or staff.",
                "冒充他人",
                HIGH,
                24 * H,
                False,
            ),
            (
                "multiple-accounts",
                "Multiple accounts",
                "One person using several accounts.",
                "多个账号",
                None,
                None,
                False,
            ),
        ],
    ),
    (
        "rights-infringement",
        "Content they have no right to use",
        "Sending, uploading or publishing content that infringes someone's copyright, trademark, "
        "patent, trade secret, privacy or other rights.",
        "侵犯他人权利的内容",
        "发送、上传或发布侵犯他人版权、商标、专利、商业秘密、隐私或其他权利的内容。",
        LOW,
        72 * H,
        True,
        [
            (
                "copyright",
                "Copyright",
                "Someone else's work used without permission.",
                "版权",
                None,
                None,
                False,
            ),
            (
                "trademark",
                "Trademark or patent",
                "A brand, logo or invention used without permission.",
                "商标或专利",
                None,
                None,
                False,
            ),
            (
                "other-rights",
                "Trade secret, privacy or other rights",
                "Confidential or private material that is not theirs to share.",
                "商业秘密、隐私或其他权利",
                None,
                None,
                False,
            ),
        ],
    ),
    (
        "malware-scraping",
        "Viruses, harmful links or data scraping",
        "Sending, uploading or publishing viruses or other harmful code, files, programs or "
        "links, or using robots, data mining or other tools to collect data.",
        "病毒、有害链接或数据抓取",
        "发送、上传或发布病毒或其他有害代码、文件、程序或链接，或使用机器人、数据挖掘等工具收集数据。",
        HIGH,
        4 * H,
        False,
        [
            (
                "harmful-link",
                "Harmful or phishing link",
                "A link that steals passwords or installs something harmful.",
                "有害或钓鱼链接",
                None,
                None,
                False,
            ),
            (
                "malware-file",
                "Virus or harmful file",
                "A file or program that could harm a device.",
                "病毒或有害文件",
                None,
                None,
                False,
            ),
            (
                "scraping",
                "Data scraping or robots",
                "Collecting members' data with robots or other tools.",
                "数据抓取或机器人",
                MEDIUM,
                24 * H,
                False,
            ),
        ],
    ),
    (
        "service-abuse",
        "Disrupting the service or hacking",
        "Disrupting the service or overloading it (or another person's use of it), breaking or "
        "trying to break its security, or registering accounts or posting automatically, "
        "systematically or with programs.",
        "破坏服务或黑客行为",
        "干扰服务或使其负担过重（或影响他人使用），破坏或试图破坏其安全，或以自动化、批量或程序方式注册账号或发布内容。",
        HIGH,
        12 * H,
        False,
        [
            (
                "security",
                "Hacking or security breach",
                "Trying to break into accounts or the service.",
                "黑客或安全入侵",
                CRITICAL,
                2 * H,
                False,
            ),
            (
                "disruption",
                "Disrupting the service",
                "Flooding rooms, chats or the service so others cannot use it.",
                "干扰服务",
                None,
                None,
                False,
            ),
            (
                "automation",
                "Automated accounts or posting",
                "Accounts or posts created by programs.",
                "自动注册或发帖",
                MEDIUM,
                24 * H,
                False,
            ),
        ],
    ),
]

# Offence number → (action, duration) for every category; admins tune them per category.
DEFAULT_LADDER = [
    (1, "warn", None),
    (2, "restrict", 3 * D),
    (3, "suspend", 7 * D),
    (4, "suspend", 30 * D),
    (5, "ban", None),
]
SEVERE_LADDER = [
    (1, "suspend", 7 * D),
    (2, "suspend", 30 * D),
    (3, "ban", None),
]
SEVERE_CATEGORIES = {"malware-scraping", "service-abuse"}

STATEMENTS = {
    "no_violation": (
        'We reviewed the report about your {content_kind} under "{category}" and found no '
        "violation of the community guidelines. Nothing has changed on your account."
    ),
    "warn": (
        "We reviewed your {content_kind} and found that it breaks the community guidelines on "
        '"{category}". This is a warning; nothing has been restricted. {facts}\n\n'
        "If you think we got this wrong, you can appeal: {appeal_url}"
    ),
    "remove_content": (
        "We removed your {content_kind} because it breaks the community guidelines on "
        '"{category}". {facts}\n\nIf you think we got this wrong, you can appeal: {appeal_url}'
    ),
    "restrict": (
        "Your account can't send messages or post for {duration}, until {ends_at}, because of "
        'content that breaks the community guidelines on "{category}". {facts}\n\n'
        "If you think we got this wrong, you can appeal: {appeal_url}"
    ),
    "suspend": (
        "Your account is suspended for {duration}, until {ends_at}, because it broke the "
        'community guidelines on "{category}". {facts}\n\n'
        "If you think we got this wrong, you can appeal: {appeal_url}"
    ),
    "ban": (
        "Your account has been closed permanently because it broke the community guidelines on "
        '"{category}". {facts}\n\nIf you think we got this wrong, you can appeal: {appeal_url}'
    ),
}


def ship_categories(apps, schema_editor):
    Category = apps.get_model("reports", "Category")
    Reason = apps.get_model("reports", "Reason")
    Policy = apps.get_model("reports", "Policy")
    EscalationTier = apps.get_model("reports", "EscalationTier")
    LadderStep = apps.get_model("reports", "LadderStep")
    StatementTemplate = apps.get_model("reports", "StatementTemplate")

    for position, row in enumerate(CATEGORIES, start=1):
        slug, name, description, zh_name, zh_description, severity, sla, details, reasons = row
        category = Category.objects.create(
            slug=slug,
            name=name,
            description=description,
            translations={"zh-hans": {"name": zh_name, "description": zh_description}},
            position=position,
            severity=severity,
            sla=sla,
            details_required=details,
        )
        for reason_position, reason in enumerate(reasons, start=1):
            r_slug, r_name, r_description, r_zh_name, r_severity, r_sla, critical = reason
            Reason.objects.create(
                category=category,
                slug=r_slug,
                name=r_name,
                description=r_description,
                translations={"zh-hans": {"name": r_zh_name}},
                position=reason_position,
                severity=r_severity,
                sla=r_sla,
                is_critical=critical,
            )
        Policy.objects.create(
            category=category,
            escalation_threshold=5 if severity < HIGH else 3,
            auto_hide_threshold=10 if severity < HIGH else 5,
        )
        for tier, tier_sla in (
            (FRONTLINE, sla),
            (SENIOR, max(sla / 2, 2 * H)),
            (LEAD, max(sla / 4, 1 * H)),
            (EMERGENCY, 1 * H),
        ):
            EscalationTier.objects.create(category=category, tier=tier, sla=tier_sla)
        ladder = SEVERE_LADDER if slug in SEVERE_CATEGORIES else DEFAULT_LADDER
        for offence, action, duration in ladder:
            LadderStep.objects.create(
                category=category, offence=offence, action=action, duration=duration
            )
        for action, body in STATEMENTS.items():
            StatementTemplate.objects.create(
                category=category, action=action, language="en", body=body
            )


def retire_categories(apps, schema_editor):
    for model in ("StatementTemplate", "LadderStep", "EscalationTier", "Policy", "Reason"):
        apps.get_model("reports", model).objects.all().delete()
    apps.get_model("reports", "Category").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(ship_categories, retire_categories)]
