"""What the demo is made of: members' names, countries and lines in each language, and how its
reports spread over the categories and kinds of content (`manage.py seed_demo`)."""

from reports.models import ContentKind

# Given names in each language's own script, and a few lines of what members write.
NAMES = {
    "en": ["Alex", "Sam", "Jordan", "Taylor", "Chris", "Morgan", "Jamie", "Riley", "Casey"],
    "zh": ["小明", "晓雯", "子涵", "浩然", "雨桐", "思远", "嘉怡", "俊杰"],
    "ja": ["陽翔", "結衣", "蒼", "葵", "さくら", "ゆうと", "はるか", "健太"],
    "ko": ["민준", "서연", "지후", "하은", "도윤", "수아", "예준", "지민"],
    "es": ["Lucía", "Mateo", "Sofía", "Diego", "Valentina", "Javier", "Carmen", "Pablo"],
    "fr": ["Camille", "Louis", "Chloé", "Hugo", "Léa", "Théo", "Manon", "Jules"],
    "de": ["Lena", "Jonas", "Mia", "Felix", "Hannah", "Lukas", "Emma", "Paul"],
    "pt": ["Ana", "João", "Beatriz", "Pedro", "Mariana", "Rafael", "Júlia", "Tiago"],
    "ru": ["Анна", "Иван", "Мария", "Дмитрий", "Ольга", "Сергей", "Екатерина", "Алексей"],
    "ar": ["ليلى", "عمر", "نور", "يوسف", "مريم", "خالد", "سارة", "أحمد"],
}
LANGUAGES = list(NAMES)
COUNTRIES = {
    "en": ["US", "GB", "AU", "CA"],
    "zh": ["CN", "TW", "SG"],
    "ja": ["JP"],
    "ko": ["KR"],
    "es": ["ES", "MX", "AR", "CO"],
    "fr": ["FR", "CA", "BE"],
    "de": ["DE", "AT", "CH"],
    "pt": ["BR", "PT"],
    "ru": ["RU", "KZ"],
    "ar": ["EG", "SA", "MA"],
}
# Per language: what a spammer, a flirt, a rude member, a harasser and an ordinary learner write.
LINES = {
    "en": {
        "spam": "Earn $500 a day from home! Add me on WhatsApp +1 555 0100 for details.",
        "flirt": "Forget the grammar, you look cute. Are you single? Let's meet tonight.",
        "rude": "Your accent is ridiculous, people like you should stop trying.",
        "harass": "Why are you ignoring me? I will keep writing until you answer me.",
        "plain": "Today I practised the past tense with my partner. Any tips for phrasal verbs?",
    },
    "zh": {
        "spam": "在家轻松日赚五百元！加我微信 abc12345 了解详情。",
        "flirt": "别学语法了，你好可爱，单身吗？今晚见面吧。",
        "rude": "你的发音太可笑了，你这种人就别学了。",
        "harass": "你为什么不回我？你不回我就一直发。",
        "plain": "今天我和语伴练习了过去时，有没有学习短语动词的好方法？",
    },
    "ja": {
        "spam": "自宅で1日5万円稼げます！詳しくはLINE ID: money777 まで。",
        "flirt": "文法なんていいよ、かわいいね。彼氏いるの？今夜会おうよ。",
        "rude": "君の発音はひどすぎる。もう日本語を勉強するのはやめたら？",
        "harass": "なんで無視するの？返事するまでずっと送り続けるから。",
        "plain": "今日はパートナーと過去形を練習しました。敬語のコツを教えてください。",
    },
    "ko": {
        "spam": "집에서 하루 50만원 벌기! 카톡 ID rich99 로 연락주세요.",
        "flirt": "문법은 됐고, 너 진짜 귀엽다. 애인 있어? 오늘 밤에 만나자.",
        "rude": "네 발음 진짜 웃기다. 너 같은 사람은 그냥 포기해.",
        "harass": "왜 답장 안 해? 답할 때까지 계속 보낼 거야.",
        "plain": "오늘 파트너와 과거형을 연습했어요. 존댓말 공부 팁이 있을까요?",
    },
    "es": {
        "spam": "¡Gana 500 dólares al día desde casa! Escríbeme al WhatsApp +34 600 000 000.",
        "flirt": "Olvida la gramática, eres muy guapa. ¿Estás soltera? Quedemos esta noche.",
        "rude": "Tu acento es ridículo, la gente como tú debería dejar de intentarlo.",
        "harass": "¿Por qué me ignoras? Voy a seguir escribiendo hasta que me contestes.",
        "plain": "Hoy practiqué el pretérito con mi compañero. ¿Algún consejo para el subjuntivo?",
    },
    "fr": {
        "spam": "Gagnez 500 € par jour depuis chez vous ! Contactez-moi sur Telegram @cash_fr.",
        "flirt": "Oublie la grammaire, tu es mignonne. Tu es célibataire ? On se voit ce soir ?",
        "rude": "Ton accent est ridicule, les gens comme toi devraient arrêter.",
        "harass": "Pourquoi tu m'ignores ? Je vais continuer à écrire jusqu'à ce que tu répondes.",
        "plain": "Aujourd'hui j'ai pratiqué le passé composé. Des conseils pour le subjonctif ?",
    },
    "de": {
        "spam": "Verdiene 500 € am Tag von zu Hause! Schreib mir auf Telegram @geld_de.",
        "flirt": "Vergiss die Grammatik, du bist süß. Bist du Single? Treffen wir uns heute?",
        "rude": "Dein Akzent ist lächerlich, Leute wie du sollten aufhören.",
        "harass": "Warum ignorierst du mich? Ich schreibe weiter, bis du antwortest.",
        "plain": "Heute habe ich das Perfekt geübt. Habt ihr Tipps für trennbare Verben?",
    },
    "pt": {
        "spam": "Ganhe R$ 500 por dia em casa! Chama no WhatsApp +55 11 90000-0000.",
        "flirt": "Esquece a gramática, você é muito fofa. Tá solteira? Vamos sair hoje?",
        "rude": "Seu sotaque é ridículo, gente como você devia desistir.",
        "harass": "Por que você me ignora? Vou continuar mandando mensagem até você responder.",
        "plain": "Hoje pratiquei o pretérito com meu parceiro. Dicas para o subjuntivo?",
    },
    "ru": {
        "spam": "Зарабатывай 500 долларов в день из дома! Пиши в Telegram @bigmoney_ru.",
        "flirt": "Забудь про грамматику, ты такая милая. Ты свободна? Встретимся вечером?",
        "rude": "Твой акцент смешной, таким как ты лучше не пытаться.",
        "harass": "Почему ты меня игнорируешь? Буду писать, пока не ответишь.",
        "plain": "Сегодня я практиковал прошедшее время. Есть советы по видам глагола?",
    },
    "ar": {
        "spam": "اربح 500 دولار يوميًا من المنزل! راسلني على واتساب للتفاصيل.",
        "flirt": "انسَ القواعد، أنتِ لطيفة جدًا. هل أنتِ مرتبطة؟ لنلتقِ الليلة.",
        "rude": "لهجتك مضحكة، أمثالك يجب أن يتوقفوا عن المحاولة.",
        "harass": "لماذا تتجاهلني؟ سأستمر في الكتابة حتى ترد.",
        "plain": "تدربت اليوم على الفعل الماضي مع شريكي. هل لديكم نصائح؟",
    },
}
# Which line a piece of content carries, by the category it will be reported under.
LINE_FOR_CATEGORY = {
    "dating-sexual": "flirt",
    "hate-abuse": "rude",
    "spam-solicitation": "spam",
    "inappropriate-profile": "flirt",
    "harassment": "harass",
    "fake-account": "plain",
    "rights-infringement": "plain",
    "malware-scraping": "spam",
    "service-abuse": "spam",
}
# Categories reported about the member themself rather than one piece of content.
MEMBER_CATEGORIES = {"fake-account", "service-abuse"}
KIND_FOR_CATEGORY = {
    "inappropriate-profile": [
        ContentKind.PROFILE_PHOTO,
        ContentKind.USERNAME,
        ContentKind.SELF_INTRODUCTION,
    ],
    "rights-infringement": [ContentKind.MOMENT, ContentKind.LIVE_STREAM],
    "harassment": [ContentKind.MESSAGE, ContentKind.COMMENT, ContentKind.VOICE_MESSAGE],
    "dating-sexual": [ContentKind.MESSAGE, ContentKind.VOICE_ROOM, ContentKind.MOMENT],
}
DEFAULT_KINDS = [ContentKind.MESSAGE, ContentKind.MOMENT, ContentKind.COMMENT]
# Share of reports per category, roughly what a language-exchange app receives.
CATEGORY_WEIGHTS = {
    "spam-solicitation": 28,
    "dating-sexual": 20,
    "hate-abuse": 14,
    "harassment": 12,
    "inappropriate-profile": 10,
    "fake-account": 7,
    "malware-scraping": 4,
    "service-abuse": 3,
    "rights-infringement": 2,
}
