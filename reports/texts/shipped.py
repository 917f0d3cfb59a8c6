"""The texts hellomod ships, as gettext message ids, so that every shipped language has them.

Categories, reasons and statement templates live in the database, where admins change them; the
rows written by the migrations carry English (and a few Simplified Chinese) words. What a member
reads in any other language comes from here: a category's name in Japanese is the catalogue's
translation of its English name (see Translated.translated), and a decision's statement is the
catalogue's translation of the shipped template for its action (see statements.shipped_body).
An admin's own text in the reader's language always comes first.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# The names and descriptions of the shipped categories and their reasons, in the order of the
# community's "When should I report someone?" page, then the category hellomod fills itself.
NAMES = (
    # dating-sexual
    gettext_noop("Flirting, dating or sexual talk"),
    gettext_noop(
        "The member is not here to learn a language. They use the app to meet people for dating "
        "or flirting, or they start conversations about sex."
    ),
    gettext_noop("Flirting or dating requests"),
    gettext_noop("Unwanted flirting, asking for dates or romantic talk instead of practice."),
    gettext_noop("Sexual conversation"),
    gettext_noop("Starting or pushing conversations about sex."),
    # hate-abuse
    gettext_noop("Hate, abuse, threats or harmful content"),
    gettext_noop(
        "Prejudice or discrimination of any kind (racism, sexism, religious, political or social "
        "hatred), rudeness, threats, violence, obscene or unlawful content, anything that shows "
        "or encourages harm to someone (including self-harm), and posting other people's private "
        "information, such as screenshots of their profile, chats or posts."
    ),
    gettext_noop("Self-harm or suicide"),
    gettext_noop("Someone says they may hurt themselves, or encourages others to."),
    gettext_noop("Threat of violence"),
    gettext_noop("A threat to hurt or kill someone."),
    gettext_noop("Hate or discrimination"),
    gettext_noop(
        "Attacks on people for their race, ethnicity, nationality, sex, religion, beliefs or who "
        "they are."
    ),
    gettext_noop("Obscene or violent content"),
    gettext_noop("Pornographic, obscene, gory or violent content."),
    gettext_noop("Someone's private information"),
    gettext_noop(
        "Phone numbers, addresses, or screenshots of profiles, chats or posts shared without "
        "consent."
    ),
    gettext_noop("Unlawful content"),
    gettext_noop("Content that looks illegal, such as selling drugs or weapons."),
    gettext_noop("Rudeness or insults"),
    gettext_noop("Insults, mockery or rude behaviour."),
    gettext_noop("Something else abusive or offensive"),
    gettext_noop("Abusive, offensive or objectionable content that fits none of the above."),
    # spam-solicitation
    gettext_noop("Spam, advertising or solicitation"),
    gettext_noop(
        "Commercial offers for products or services, pushing you to someone's personal page, "
        "social account or contact details, asking for money or donations, and repeated posts "
        "with no value."
    ),
    gettext_noop("Advertising or selling"),
    gettext_noop("Offers of products, services or paid lessons outside the app's rules."),
    gettext_noop("Pushing contact details or other apps"),
    gettext_noop("Sending people to a personal page, social account, phone number or another app."),
    gettext_noop("Asking for money or donations"),
    gettext_noop("Requests for money, gifts, donations or investments."),
    gettext_noop("Repetitive posts"),
    gettext_noop("The same or meaningless posts again and again."),
    # inappropriate-profile
    gettext_noop("Inappropriate profile"),
    gettext_noop(
        "A profile whose photos, username, ID or self-introduction are offensive, sexual or "
        "otherwise inappropriate."
    ),
    gettext_noop("Profile photo"),
    gettext_noop("The profile photo is sexual, violent or offensive."),
    gettext_noop("Username or ID"),
    gettext_noop("The username or ID is offensive."),
    gettext_noop("Self-introduction"),
    gettext_noop("The self-introduction is offensive or breaks the guidelines."),
    # harassment
    gettext_noop("Harassment, bullying or stalking"),
    gettext_noop(
        "Someone harms, stalks, bullies or harasses others, in words or actions, including "
        "keeping on disturbing people through chats, posts or comments after being asked to "
        "stop."
    ),
    gettext_noop("Harassment"),
    gettext_noop("Unwanted, hostile or intimidating contact."),
    gettext_noop("Bullying"),
    gettext_noop("Repeatedly mocking, shaming or ganging up on someone."),
    gettext_noop("Stalking"),
    gettext_noop("Following someone across chats, posts or accounts, or tracking them down."),
    gettext_noop("Won't stop contacting me"),
    gettext_noop("Keeps messaging or commenting after being asked to stop."),
    # fake-account
    gettext_noop("Fake identity or impersonation"),
    gettext_noop(
        "Several accounts for one person, an account with false details (such as nationality, "
        "native language, age or gender), pretending to be someone else, or lying about a link "
        "with a person or organisation."
    ),
    gettext_noop("False profile details"),
    gettext_noop("Nationality, native language, age or gender are not true."),
    gettext_noop("Impersonation"),
    gettext_noop("Pretends to be another person, a teacher, a brand or staff."),
    gettext_noop("Multiple accounts"),
    gettext_noop("One person using several accounts."),
    # rights-infringement
    gettext_noop("Content they have no right to use"),
    gettext_noop(
        "Sending, uploading or publishing content that infringes someone's copyright, trademark, "
        "patent, trade secret, privacy or other rights."
    ),
    gettext_noop("Copyright"),
    gettext_noop("Someone else's work used without permission."),
    gettext_noop("Trademark or patent"),
    gettext_noop("A brand, logo or invention used without permission."),
    gettext_noop("Trade secret, privacy or other rights"),
    gettext_noop("Confidential or private material that is not theirs to share."),
    # malware-scraping
    gettext_noop("Viruses, harmful links or data scraping"),
    gettext_noop(
        "Sending, uploading or publishing viruses or other harmful code, files, programs or "
        "links, or using robots, data mining or other tools to collect data."
    ),
    gettext_noop("Harmful or phishing link"),
    gettext_noop("A link that steals passwords or installs something harmful."),
    gettext_noop("Virus or harmful file"),
    gettext_noop("A file or program that could harm a device."),
    gettext_noop("Data scraping or robots"),
    gettext_noop("Collecting members' data with robots or other tools."),
    # service-abuse
    gettext_noop("Disrupting the service or hacking"),
    gettext_noop(
        "Disrupting the service or overloading it (or another person's use of it), breaking or "
        "trying to break its security, or registering accounts or posting automatically, "
        "systematically or with programs."
    ),
    gettext_noop("Hacking or security breach"),
    gettext_noop("Trying to break into accounts or the service."),
    gettext_noop("Disrupting the service"),
    gettext_noop("Flooding rooms, chats or the service so others cannot use it."),
    gettext_noop("Automated accounts or posting"),
    gettext_noop("Accounts or posts created by programs."),
    # reporting-misuse
    gettext_noop("Reporting misuse"),
    gettext_noop(
        "Members whose reports are often clearly unfounded, or who often post clearly illegal "
        "content: hellomod opens these cases itself, and senior moderators decide."
    ),
    gettext_noop("Manifestly unfounded reports"),
    gettext_noop("Manifestly illegal content"),
)

# The statement of reasons of each action, for every category without a text of its own.
STATEMENTS = {
    "no_violation": _(
        'We reviewed the report about your {content_kind} under "{category}" and found no '
        "violation of the community guidelines. Nothing has changed on your account."
    ),
    "warn": _(
        "We reviewed your {content_kind} and found that it breaks the community guidelines on "
        '"{category}". This is a warning; nothing has been restricted. {facts}\n\nIf you think '
        "we got this wrong, you can appeal: {appeal_url}"
    ),
    "remove_content": _(
        "We removed your {content_kind} because it breaks the community guidelines on "
        '"{category}". {facts}\n\nIf you think we got this wrong, you can appeal: {appeal_url}'
    ),
    "restrict": _(
        "Your account can't send messages or post for {duration}, until {ends_at}, because of "
        'content that breaks the community guidelines on "{category}". {facts}\n\nIf you think '
        "we got this wrong, you can appeal: {appeal_url}"
    ),
    "suspend": _(
        "Your account is suspended for {duration}, until {ends_at}, because it broke the "
        'community guidelines on "{category}". {facts}\n\nIf you think we got this wrong, you '
        "can appeal: {appeal_url}"
    ),
    "ban": _(
        "Your account has been closed permanently because it broke the community guidelines on "
        '"{category}". {facts}\n\nIf you think we got this wrong, you can appeal: {appeal_url}'
    ),
}

# Categories shipped with statements of their own.
CATEGORY_STATEMENTS = {
    "reporting-misuse": {
        "no_violation": _(
            "We looked at how you have been reporting and at what you posted, and we are taking "
            "no action. Nothing has changed on your account."
        ),
        "warn": _(
            'This is a warning under "{category}". {facts}\n\nMany of your recent reports were '
            "clearly unfounded, or you posted clearly illegal content more than once. If it goes "
            "on, we may suspend your reporting or your account for a while.\n\nIf you think we "
            "got this wrong, you can appeal: {appeal_url}"
        ),
        "suspend_reporting": _(
            "You cannot send reports for {duration}, until {ends_at}, because many of your "
            "recent reports were clearly unfounded, after an earlier warning. "
            "{facts}\n\nEverything else on your account works as before. If you think we got "
            "this wrong, you can appeal: {appeal_url}"
        ),
        "suspend": _(
            "Your account is suspended for {duration}, until {ends_at}, because you posted "
            "clearly illegal content more than once, after an earlier warning. {facts}\n\nIf you "
            "think we got this wrong, you can appeal: {appeal_url}"
        ),
    },
}
