"""The "Reporting misuse" category: the cases hellomod opens itself under DSA Art. 23, for members
whose reports are often manifestly unfounded or who often post manifestly illegal content.

Members never report under it (its purpose is "misuse"); seniors decide its cases. It comes with
its tiers, a policy and its statements of reasons in English and Simplified Chinese.
"""

from datetime import timedelta

from django.db import migrations

H = timedelta(hours=1)
D = timedelta(days=1)
FRONTLINE, SENIOR, LEAD, EMERGENCY = 1, 2, 3, 4

SLUG = "reporting-misuse"
STATEMENTS = {
    "en": {
        "no_violation": (
            "We looked at how you have been reporting and at what you posted, and we are taking "
            "no action. Nothing has changed on your account."
        ),
        "warn": (
            'This is a warning under "{category}". {facts}\n\n'
            "Many of your recent reports were clearly unfounded, or you posted clearly illegal "
            "content more than once. If it goes on, we may suspend your reporting or your "
            "account for a while.\n\nIf you think we got this wrong, you can appeal: {appeal_url}"
        ),
        "suspend_reporting": (
            "You cannot send reports for {duration}, until {ends_at}, because many of your recent "
            "reports were clearly unfounded, after an earlier warning. {facts}\n\n"
            "Everything else on your account works as before. If you think we got this wrong, you "
            "can appeal: {appeal_url}"
        ),
        "suspend": (
            "Your account is suspended for {duration}, until {ends_at}, because you posted "
            "clearly illegal content more than once, after an earlier warning. {facts}\n\n"
            "If you think we got this wrong, you can appeal: {appeal_url}"
        ),
    },
    "zh-hans": {
        "no_violation": "我们查看了你的举报记录和你发布的内容，决定不采取任何措施。你的账号没有任何变化。",
        "warn": (
            "这是关于“{category}”的警告。{facts}\n\n"
            "你最近的许多举报明显没有依据，或你多次发布明显违法的内容。如果情况继续，我们可能会暂停你的"
            "举报功能或暂停你的账号一段时间。\n\n如果你认为我们的决定有误，可以申诉：{appeal_url}"
        ),
        "suspend_reporting": (
            "由于你最近的许多举报明显没有依据，且此前已收到警告，你在 {duration} 内（至 {ends_at}）"
            "不能提交举报。{facts}\n\n账号的其他功能照常可用。如果你认为我们的决定有误，可以申诉：{appeal_url}"
        ),
        "suspend": (
            "由于你多次发布明显违法的内容，且此前已收到警告，你的账号被暂停 {duration}，至 {ends_at}。"
            "{facts}\n\n如果你认为我们的决定有误，可以申诉：{appeal_url}"
        ),
    },
}


def ship_misuse_category(apps, schema_editor=None):
    Category = apps.get_model("reports", "Category")
    Reason = apps.get_model("reports", "Reason")
    Policy = apps.get_model("reports", "Policy")
    EscalationTier = apps.get_model("reports", "EscalationTier")
    StatementTemplate = apps.get_model("reports", "StatementTemplate")
    if Category.objects.filter(slug=SLUG).exists():
        return
    category = Category.objects.create(
        slug=SLUG,
        name="Reporting misuse",
        description=(
            "Members whose reports are often clearly unfounded, or who often post clearly "
            "illegal content: hellomod opens these cases itself, and senior moderators decide."
        ),
        translations={
            "zh-hans": {
                "name": "举报滥用",
                "description": "举报经常明显没有依据、或经常发布明显违法内容的会员：此类案件由系统自动创建，由资深审核员处理。",
            }
        },
        position=100,
        severity=2,
        sla=3 * D,
        purpose="misuse",
    )
    for position, (slug, name, zh_name) in enumerate(
        [
            ("unfounded-reports", "Manifestly unfounded reports", "明显没有依据的举报"),
            ("illegal-content", "Manifestly illegal content", "明显违法的内容"),
        ],
        start=1,
    ):
        Reason.objects.create(
            category=category,
            slug=slug,
            name=name,
            translations={"zh-hans": {"name": zh_name}},
            position=position,
        )
    Policy.objects.create(category=category)
    for tier, sla in ((FRONTLINE, 3 * D), (SENIOR, 2 * D), (LEAD, 1 * D), (EMERGENCY, 1 * H)):
        EscalationTier.objects.create(category=category, tier=tier, sla=sla)
    for language, bodies in STATEMENTS.items():
        for action, body in bodies.items():
            StatementTemplate.objects.create(
                category=category, action=action, language=language, body=body
            )


def remove_misuse_category(apps, schema_editor):
    Category = apps.get_model("reports", "Category")
    category = Category.objects.filter(slug=SLUG).first()
    if category is None:
        return
    for model in ("StatementTemplate", "EscalationTier", "Policy", "Reason"):
        apps.get_model("reports", model).objects.filter(category=category).delete()
    category.delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0024_reporter_trust")]

    operations = [migrations.RunPython(ship_misuse_category, remove_misuse_category)]
