"""Who is speaking in a sentence that goes on with the words of the sentence before.

News quotes a person over several sentences: «وقال النازح آدم إسحاق، القادم من مدينة الأبيض،
إنهم لم يحصلوا على أي حصة غذائية», then «وأضاف أن أطفاله يتناولون وجبة واحدة في اليوم». A
reader asks «كيف يكسب آدم إسحاق رزقه؟»: the answer is in the second sentence, which never names
him, and words find the first. Where an article has no facts of its editors, each sentence is a
fact (knowledge.Article.served_facts), and one that goes on quoting is given the words that name
its speaker (bot/loading.py), which matching then counts as the fact's own, as it counts an
editor's keywords.

Read in the text as normalised: a verb of saying, then who says it, up to the comma or the
«أن/إن» that opens what was said. A sentence goes on quoting when it opens with such a verb and
no speaker («وأضاف أن»، «وتابعت:») or with «غير أنه»/«لكنها».
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.text import normalize, stopwords

# Verbs of saying as news writes them, normalised, in the past and the present («ويرى المحلل»).
_SAYING = frozenset(
    {
        *("قال", "قالت", "اضاف", "اضافت", "اوضح", "اوضحت", "اكد", "اكدت", "اشار", "اشارت"),
        *("ذكر", "ذكرت", "افاد", "افادت", "صرح", "صرحت", "لفت", "لفتت", "شدد", "شددت"),
        *("حذر", "حذرت", "اعتبر", "اعتبرت", "تابع", "تابعت", "ختم", "ختمت"),
        *("يري", "تري", "يقول", "تقول"),
    }
)
# «أن/إن», alone or with a pronoun, normalised: what was said begins there.
_THAT = frozenset({"ان", "انه", "انها", "انهم", "انهن", "اننا"})
# «غير أنه»، «إلا أنها»، «لكنه»: still the one who spoke before.
_YET = frozenset({"غير", "الا"})
_BUT = frozenset({"لكنه", "لكنها", "ولكنه", "ولكنها"})
# The speaker ends at the first comma, colon or quotation mark, or at «أن/إن».
_PAUSE = re.compile(r"[،,:«»\"“”]")
# A speaker is named in a few words («مدير عام المديرية محمد الأهدل»); a longer run before
# «أن» is no speaker but a clause («وذكر التقرير الذي أعدته الوزارة مع ... أن»).
LONGEST = 8


def speakers(sentences: Sequence[str]) -> list[str]:
    """For each sentence, the normalised words that name whom it goes on quoting.

    "" for a sentence that names its own speaker, or none, or goes on after one that did not.
    """
    out: list[str] = []
    last = ""
    for sentence in sentences:
        named = _named(sentence)
        if named is None:
            out.append(last)
        else:
            out.append("")
            last = named
    return out


def _named(sentence: str) -> str | None:
    """Who a sentence says speaks ("" for no one), or None when it goes on with the last one."""
    words = normalize(_PAUSE.split(sentence, maxsplit=1)[0]).split()
    if not words:
        return ""
    yet = len(words) > 1 and words[0].removeprefix("و") in _YET and words[1] in _THAT
    if words[0] in _BUT or yet:
        return None
    verb = words[0][1:] if words[0][:1] in ("و", "ف") and words[0][1:] in _SAYING else words[0]
    if verb not in _SAYING:
        return ""
    speaker = []
    for word in words[1:]:
        if word in _THAT:
            break
        speaker.append(word)
    if all(word in stopwords() for word in speaker):  # «وأشار إلى أن», «وحذر من أن»
        return None
    return " ".join(speaker) if len(speaker) <= LONGEST else ""
