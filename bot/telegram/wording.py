"""What the bot says on Telegram, in Modern Standard Arabic, kept in one place.

Answers and the "not found" wording come from bot.messages so the terminal and the bot agree;
this module holds what only Telegram needs (commands, help, refusals, admin replies).
"""

from __future__ import annotations

# Command name -> description shown in Telegram's command menu (setMyCommands).
READER_COMMANDS: dict[str, str] = {
    "start": "ابدأ الحديث مع سند",
    "help": "كيف تسأل سند وماذا يجيب",
    "topics": "الموضوعات التي تغطيها الأخبار المتاحة",
    "ask": "اطرح سؤالًا عن الأخبار (في المجموعات)",
    "subscribe": "اشترك في الأخبار الجديدة كلّها أو في موضوع",
    "unsubscribe": "ألغِ الاشتراك في موضوع أو في كل شيء",
    "subscriptions": "اشتراكات هذه المحادثة",
}
ADMIN_COMMANDS: dict[str, str] = {
    "reload": "أعد قراءة ملفات المعرفة",
    "stats": "إحصاءات الأخبار والأسئلة",
    "unanswered": "راجع الأسئلة التي لم تجد جوابًا وعلّمني إياها",
    "distill": "صُغ من خبر مسودة ملف معرفة",
}

START = (
    "مرحبًا، أنا سند. أجيب عن أسئلتك حول الأخبار المتاحة لديّ، وأقتبس لك نصّ الخبر "
    "كما ورد مع عنوانه ورابطه. اكتب سؤالك مباشرة، مثل: «متى وُقّعت المعاهدة؟»"
)
HELP = (
    "• في المحادثة الخاصة: اكتب سؤالك وسأجيب عنه.\n"
    "• في المجموعات: استخدم /ask ثم سؤالك، أو اذكرني باسمي، أو ردّ على إحدى رسائلي.\n"
    "• في أي محادثة: اكتب اسمي ثم سؤالك (الوضع المضمَّن) واختر الجواب.\n"
    "• /topics يعرض الموضوعات التي أعرف عنها.\n"
    "إن لم أجد جوابًا موثوقًا قلت ذلك بصراحة، وأحلت سؤالك إلى المحرّرين."
)
HELP_ADMIN = (
    "أوامر المحرّرين:\n"
    "• /reload يعيد قراءة ملفات المعرفة.\n"
    "• /stats إحصاءات الأخبار والأسئلة.\n"
    "• /unanswered الأسئلة التي لم تجد جوابًا: أضف كلًّا منها إلى حقيقته بزر.\n"
    "• أرسل ملف معرفة ‎YAML‎ في المحادثة الخاصة لأتحقّق منه وأضيفه.\n"
    "• /distill ثم نصّ خبر، أو ملف ‎.txt‎ فيه الخبر: أصوغ منه مسودة ملف معرفة تنشرها بزر."
)
TOPICS = "الموضوعات التي أعرف عنها:"
NO_TOPICS = "لا توجد لديّ أخبار بعد."
TOPIC_ARTICLES = "أخبار عن «{topic}»:"
ARTICLE_FACTS = "ما أعرفه من هذا الخبر:"
MORE_FROM_ARTICLE = "المزيد من هذا الخبر"
GONE = "لم يعد هذا متاحًا؛ اسأل من جديد من فضلك."
ASK_USAGE = "اكتب سؤالك بعد الأمر، مثل: /ask متى وُقّعت المعاهدة؟"
TOO_LONG = "سؤالك طويل جدًّا؛ اختصره في جملة أو جملتين من فضلك."
SLOW_DOWN = "أسئلتك كثيرة في وقت قصير؛ انتظر قليلًا ثم أعد المحاولة من فضلك."
TEXT_ONLY = "أفهم الأسئلة المكتوبة فقط؛ اكتب سؤالك نصًّا من فضلك."
UNKNOWN_COMMAND = "لا أعرف هذا الأمر."
FAILED = "عذرًا، تعذّر عليّ الجواب الآن بسبب خطأ عندي؛ أعد المحاولة بعد قليل من فضلك."
INLINE_EMPTY = "اكتب سؤالك بعد اسمي"
INLINE_NOT_FOUND = "لم أجد جوابًا موثوقًا؛ اسألني هنا"
INLINE_NOT_SURE = "لستُ متأكدًا؛ لعلّك تقصد أحد هذه، أو اسألني هنا"

ADMINS_ONLY = "هذا الأمر مخصّص لمحرّري سند."
FILES_REFUSED = "لا أستقبل الملفات؛ اكتب سؤالك نصًّا من فضلك."
RELOADED = "أُعيد تحميل المعرفة: أُضيف {added}، وتغيّر {changed}، وحُذف {removed}."
RELOAD_UNCHANGED = "لم يتغيّر شيء في ملفات المعرفة."
RELOAD_FAILED = "لم يُحمَّل شيء؛ ما زالت المعرفة السابقة تُخدَم كما هي. الأخطاء:"
MORE_ERRORS = "و{count} خطأ آخر؛ شغّل sanad validate لرؤيتها كلّها."
UPLOAD_NOT_YAML = "أرسل ملف معرفة امتداده ‎.yaml‎ أو ‎.yml‎."
UPLOAD_TOO_BIG = "الملف أكبر من الحدّ المسموح ({limit} كيلوبايت)."
UPLOAD_SAVED = "حُفظ الملف {name} في مجلد المعرفة."
UPLOAD_REJECTED = "لم يُحفظ الملف {name}؛ الأخطاء:"
DISTILL_USAGE = (
    "أرسل الخبر بعد الأمر: /distill ثم العنوان في السطر الأول والنص تحته، أو ردّ بالأمر "
    "/distill على رسالة فيها الخبر، أو أرسل الخبر ملفًّا نصيًّا ‎.txt‎.\n"
    "يمكن أن يلي الأمرَ (أو يكون تعليقَ الملف) سطرُ خيارات، مثل:\n"
    "‎--published 2025-08-15 --url https://example.org/a --topic سياسة‎"
)
# DistillError.reason -> what went wrong, for the editor.
DISTILL_ERRORS = {
    "empty": "لم أجد نصًّا؛ أرسل الخبر وعنوانه في السطر الأول.",
    "not_arabic": "معظم هذا النص ليس بالعربية؛ أصوغ المسودات من الأخبار العربية فقط.",
    "no_text": "وجدت العنوان وحده؛ أرسل نصّ الخبر تحت عنوانه.",
    "option": (
        "أحد الخيارات غير صالح. الخيارات: ‎--id‎ و‎--url‎ و‎--published YYYY-MM-DD‎ و‎--topic‎"
        " (يتكرّر)؛ وما لم يصحّ:"
    ),
}
DISTILL_NOT_UTF8 = "ليس الملف نصًّا بترميز ‎UTF-8‎؛ احفظه بهذا الترميز ثم أرسله من جديد."
DRAFT_READY = (
    "مسودة ملف معرفة للخبر: {title}\n"
    "الحقائق المقترحة: {facts}؛ الجمل المقتبسة: {sentences}.\n"
    "راجعها، ثم انشرها كما هي بالزر أدناه، أو عدّلها وأرسل الملف المعدَّل."
)
DRAFT_UNASKED = "حقائق بلا سؤال مقترح: {count}؛ أضف أسئلتها في الملف قبل النشر."
PUBLISH_DRAFT = "انشر كما هي"
DRAFT_GONE = "لم تعد هذه المسودة محفوظة (نُشرت أو مضى عليها وقت طويل)؛ أرسل الخبر من جديد."
STATS = (
    "الأخبار: {articles}\n"
    "الحقائق: {facts}\n"
    "الأسئلة اليوم: {asked_today} (أُجيب منها {answered_today})\n"
    "الأسئلة كلّها: {asked_total} (أُجيب منها {answered_total})\n"
    "المحادثات المشتركة: {subscribers}"
)
UNSENT = "ردود تعذّر إرسالها: {unsent_today} اليوم، {unsent_total} في المجموع"
SUBSCRIBER_KINDS = {
    "private": "محادثات خاصة",
    "group": "مجموعات",
    "supergroup": "مجموعات كبرى",
    "channel": "قنوات",
}
STOPPED_CHATS = "محادثات توقّف عنها الإرسال ({reason}): {count}"
MEANING = "مقارنة المعاني: {done} من {total} حقيقة جاهزة"
OUTBOX = "رسائل الأخبار: {pending} في الانتظار، {sent} أُرسلت، {failed} تعذّر إرسالها"

SUBSCRIBED_ALL = "اشتركت هذه المحادثة في كل الأخبار الجديدة، وستصلها كل خبر مرة واحدة."
SUBSCRIBED = "اشتركت هذه المحادثة في أخبار «{topic}»."
ALREADY_SUBSCRIBED = "هذه المحادثة مشتركة في ذلك من قبل."
UNKNOWN_TOPIC = "لا أعرف موضوعًا باسم «{topic}». اختر أحد الموضوعات التالية:"
UNSUBSCRIBED_ALL = "ألغيت كل اشتراكات هذه المحادثة."
UNSUBSCRIBED = "ألغيت الاشتراك في «{topic}»."
NOT_SUBSCRIBED = "لم تكن هذه المحادثة مشتركة في ذلك."
SUBSCRIPTIONS = "اشتراكات هذه المحادثة:"
ALL_NEWS = "كل الأخبار"
NO_SUBSCRIPTIONS = (
    "لا اشتراكات لهذه المحادثة. اكتب /subscribe لتصلك الأخبار الجديدة كلّها، "
    "أو /subscribe ثم اسم موضوع من /topics."
)
SUBSCRIBE_ADMINS_ONLY = "يغيّر اشتراكات المجموعة مشرفوها فقط."
CHANNEL_BOT_NOT_ADMIN = "أحتاج إلى أن أكون مشرفًا في القناة يحقّ له النشر فيها."
CHANNEL_USER_NOT_ADMIN = "يجب أن تكون مشرفًا في القناة لتغيّر اشتراكاتها."
CHANNEL_NOT_FOUND = "لم أجد القناة {channel}؛ تأكّد من اسمها ومن أنني مشرف فيها."
READ_ARTICLE = "اقرأ الخبر كاملًا"
ASK_ABOUT_NEWS = "يمكنك أن تسألني عن هذا الخبر: اكتب سؤالك هنا (أو /ask ثم سؤالك في المجموعات)."
NO_UNANSWERED = "لا أسئلة تنتظر المراجعة في آخر {days} يومًا."

# The review queue (/unanswered) and readers' votes.
REVIEW_HEADING = "سؤال {position} من {total} في قائمة المراجعة"
REVIEW_ASKED = "سُئل {count} مرة، آخرها في {last}"
REVIEW_WHY = "سبب وجوده هنا: {reasons}"
REVIEW_REASONS = {
    "unanswered": "لم يجد جوابًا",
    "low_margin": "أُجيب بفارق ضئيل بين حقيقتين من خبرين",
    "suggestion": "اختار القارئ اقتراحًا",
    "unhelpful": "وصف قارئ الجواب بأنه غير مفيد",
}
REVIEW_CANDIDATES = "أقرب الحقائق إليه:"
REVIEW_NO_CANDIDATES = "لا حقيقة قريبة منه في الأخبار المتاحة."
REVIEW_END = "لا أسئلة أخرى في قائمة المراجعة؛ أرسل /unanswered للبدء من أولها."
REVIEW_SPENT = "استُعمل هذا الزر من قبل أو لم يعد صالحًا؛ أرسل /unanswered من جديد."
# A button caption, the statement follows (buttons are not HTML).
TEACH_TO = "أضف إلى: "
DISMISS = "ليس في أخبارنا"
SKIP = "تخطَّ"
DISMISSED = "أُخرج السؤال من قائمة المراجعة، ولن يعود إليها إلا إذا سُئل من جديد."
TAUGHT = "أُضيف السؤال «{question}» إلى الحقيقة «{statement}» في الملف {path}."
ALREADY_TAUGHT = "السؤال «{question}» من أسئلة الحقيقة «{statement}» في الملف {path} من قبل."
TEACH_CHANGED = (
    "تغيّر ملف هذه الحقيقة على القرص منذ عُرض السؤال، فلم أغيّر شيئًا. "
    "أرسل /unanswered لتراه كما هو الآن."
)
TEACH_FAILED = "لم يُضف السؤال، ولم يتغيّر شيء:"
HELPFUL = "👍"
UNHELPFUL = "👎"
VOTES = {
    "recorded": "شكرًا، سُجّل رأيك.",
    "changed": "غيّرتَ رأيك؛ شكرًا.",
    "same": "سُجّل رأيك هذا من قبل.",
    "unknown": "لم يعد هذا متاحًا؛ اسأل من جديد من فضلك.",
}
DAILY_HEADING = "آخر 30 يومًا، الأيام التي سُئل فيها أو صوّت فيها القرّاء:"
DAILY_COLUMNS = "اليوم، ثم الأسئلة، وما أُجيب منها، وما لم يُجب، ونسبة 👍 من أصوات القرّاء."
DAILY_NONE = "لا أسئلة ولا أصوات في آخر 30 يومًا."
