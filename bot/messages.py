"""Reader-facing wording in Modern Standard Arabic, and the plain-text rendering of answers.

Kept apart from the Telegram adapter so the terminal and the bot say the same things.
"""

from __future__ import annotations

import re

from bot.engine import Answer, AnswerItem, Outcome

NOT_FOUND = "لم أجد في الأخبار المتاحة لديّ ما يجيب عن سؤالك بثقة، وقد سجّلته ليطّلع عليه المحرّرون."
SMALL_TALK = (
    "أهلًا بك! أنا سند، أجيب عن أسئلتك حول الأخبار المتاحة لديّ وأقتبس لك نصّ الخبر. "
    "اكتب سؤالك عن خبر، مثل: «متى وُقّعت المعاهدة؟»"
)
EMPTY_QUESTION = "لم أجد في رسالتك سؤالًا. اكتب سؤالك عن الأخبار بكلماته، مثل: «متى وُقّعت المعاهدة؟»"
# What is said instead of an answer, by outcome (not found also lists suggestions).
DECLINED = {Outcome.SMALL_TALK: SMALL_TALK, Outcome.EMPTY: EMPTY_QUESTION}
TRY_INSTEAD = "ربما يفيدك أن تسأل عن:"
NOT_SURE = "لستُ متأكدًا من الجواب، وقد سجّلت سؤالك ليطّلع عليه المحرّرون. لعلّك تقصد أحد هذه:"
PICK = "اكتب رقم أحدها لترى جوابه كاملًا."
SOURCE = "المصدر"
PUBLISHED = "نُشر في"
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]")


def text_answer(answer: Answer, *, choosing: bool = False) -> str:
    """An answer as plain text for the terminal: the fact, its quotes, its article.

    When unsure, the suggestions numbered; `choosing` (in a conversation) says a number
    picks one.
    """
    if answer.outcome in DECLINED:
        return DECLINED[answer.outcome]
    if not answer.answered and answer.answers:
        lines = [NOT_SURE]
        lines.extend(f"  {i}. {item.statement}" for i, item in enumerate(answer.answers, 1))
        if choosing:
            lines.append(PICK)
        return "\n".join(lines)
    if not answer.answered:
        lines = [NOT_FOUND]
        if answer.suggestions:
            lines.append(TRY_INSTEAD)
            lines.extend(f"  • {s}" for s in answer.suggestions)
        return "\n".join(lines)
    return "\n\n".join(text_item(item) for item in answer.answers)


def text_item(item: AnswerItem) -> str:
    """One fact as plain text: its statement, its quotes, its article."""
    lines = [item.statement]
    lines.extend(f"  «{quote}»" for quote in item.quotes)
    source = f"{SOURCE}: {item.title}"
    if item.published:
        source += f" ({PUBLISHED} {item.published})"
    lines.append(source)
    if item.url:
        lines.append(item.url)
    return "\n".join(lines)


def right_to_left(text: str) -> str:
    """Each line that holds Arabic behind a right-to-left mark.

    A terminal that sets each line's direction by its first strong letter lays out a line
    opening with «, a number or a Latin name left to right; the mark makes it right to left.
    Lines without Arabic (a link) are left alone, and so is a line marked already.
    """
    mark = "\u200f"  # RIGHT-TO-LEFT MARK (not a module constant: those are wording)
    return "\n".join(
        mark + line if _ARABIC.search(line) and not line.startswith(mark) else line
        for line in text.split("\n")
    )
