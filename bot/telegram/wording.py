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
}
ADMIN_COMMANDS: dict[str, str] = {
    "reload": "أعد قراءة ملفات المعرفة",
    "stats": "إحصاءات الأخبار والأسئلة",
    "unanswered": "أكثر الأسئلة التي لم تجد جوابًا",
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
    "• /unanswered الأسئلة التي لم تجد جوابًا.\n"
    "• أرسل ملف معرفة ‎YAML‎ في المحادثة الخاصة لأتحقّق منه وأضيفه."
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
STATS = (
    "الأخبار: {articles}\n"
    "الحقائق: {facts}\n"
    "الأسئلة اليوم: {asked_today} (أُجيب منها {answered_today})\n"
    "الأسئلة كلّها: {asked_total} (أُجيب منها {answered_total})\n"
    "المشتركون: {subscribers}"
)
UNANSWERED = "أكثر الأسئلة التي لم تجد جوابًا (آخر {days} يومًا):"
NO_UNANSWERED = "لا أسئلة بلا جواب في آخر {days} يومًا."
TIMES = "{count} مرة"
