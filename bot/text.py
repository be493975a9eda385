"""Arabic text normalisation: the one place that decides when two spellings are the same word.

The index and the question go through the same functions, so a reader who types without
hamza, with diacritics, with tatweel or with Arabic-Indic digits still meets the stored facts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import Stemmer

from bot.typos import (
    LONGEST,
    allowed_edits,
    article_mended,
    common,
    common_or_joined,
    one_slip_from,
    slips,
    usual,
)

# Harakat, tanween, shadda, sukun, superscript alef and Quranic marks: they change how a
# word is read aloud, not which word it is.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_SURROGATE = re.compile("[\ud800-\udfff]")
# Bidi controls and zero-width characters hide inside copied text and break tokenising.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]")
# Letters and digits that readers write more than one way, each folded to one. One
# character for one, so a span found in folded text is the same span of the original
# (bot/distill/entities.py relies on that).
SPELLING_FOLDS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ة": "ه",
    **{chr(0x0660 + d): str(d) for d in range(10)},
    **{chr(0x06F0 + d): str(d) for d in range(10)},
}
_FOLD = str.maketrans({**SPELLING_FOLDS, "ؤ": "ء", "ئ": "ء", "ک": "ك", "ی": "ي"})
# Anything that is neither a letter nor a digit separates words (Arabic punctuation included).
_NON_WORD = re.compile(r"[^\w]+|_")
# A word's punctuation before and after it («الماتش؟»).
_EDGES = re.compile(r"^(\W*)(.*?)(\W*)$")
# Clitics written attached to the next word: conjunctions و/ف, prepositions ب/ل/ك and the
# article ال. Only stripped when enough of a word remains to still mean something.
_ARTICLE = re.compile(r"^(?:[وف]?(?:[بكل]?ال|لل))(?=..)")
_CONJUNCTION = re.compile(r"^[وف](?=....)")
# A pronoun joined to a dialect verb or noun (لقاوهم, جابوها, شافوه, سبيطارهم): the word is
# looked up on the list without it. A lone ه is a pronoun only after و (شافوه): once
# normalised, a final ة is ه too.
_PRONOUN = re.compile(r"^(..+?)(هم|هن|ها|كم|ني|نا|ك)$|^(..+و)(ه)$")
# A word with و/ف, a preposition and the article joined to it, as a dialect word may be
# written (وبالماتش, فسبيطار, بكهربا): each part, then the word.
_JOINED = re.compile(r"^([وف]?)([بكل]?ال|لل|[بكل]|)(..+)$")
_VERB_PREFIX = re.compile(r"^(?:[يتنام]?ست|[يتن]ت|[يتنا])(?=...)")
_LONG_VOWELS = re.compile("[اوي]")
# The long vowels but و, for a root whose middle letter is و (طور، مول).
_LONG_VOWELS_BUT_WAW = re.compile("[اي]")
_PREPOSITION = re.compile(r"^[وف]?[بلك](...+)$")
_AND = re.compile(r"^[وف](...+)$")
# A preposition joined to a word of four letters or more.
_PREPOSED = re.compile(r"^[بلك]....")
# The future particle سـ before a present-tense verb: سيتبادل is يتبادل.
_FUTURE = re.compile(r"^[وف]?س([يتنا]...+)$")
# A present-tense verb without its prefix: يشرب is read as شرب, to meet الشرب.
_PRESENT = re.compile(r"^[يتن](...+)$")
# The dialects' tense and aspect prefixes on a present-tense verb: the Egyptian future هـ/حـ
# (هيرجع، حيرجع), the Levantine and Egyptian present بـ (بيرجع، بترجع), and the Maghrebi
# present كـ (كيرجع); the particles written apart (رح، عم، غادي) are stopwords, and written
# joined (رحيرجع، عميرجع، غايرجع) they come off here too.
_TENSE = re.compile(r"^[وف]?(?:[هحبك]|رح|عم|غا)([يتنا]..+)$")
# The negation around a verb in the Maghrebi and Egyptian dialects: ماجاش is جا، مابيرجعش
# is بيرجع.
_NEGATED = re.compile(r"^[وف]?ما(..+)ش$")
# A present-tense verb, as the dialects end its plural: يعرضو where the standard has يعرضون.
_SPOKEN_PRESENT = re.compile(r"^[يتن]..+و$")
# A present-tense verb with the dialects' plural ending or the standard's after لن.
_SPOKEN_PLURAL = re.compile(r"^([يت]...+?)وا?$")
# A present-tense verb's plural ending, dialect or standard.
_PLURAL = re.compile("(?<=...)(?:وا|ون|و|ين)$")
_CONFUSED = (
    str.maketrans("ظ", "ض"),
    str.maketrans("ض", "ظ"),
    str.maketrans("د", "ذ"),
    str.maketrans("ذ", "د"),
    str.maketrans("ز", "ذ"),
)

# Light stemming: the commonest suffixes (plural, dual, feminine, attached pronouns), longest
# first, removed only when three letters remain. Gentler than Snowball, so the two disagree
# usefully: matching looks at both.
_SUFFIX = re.compile(r"^(.{3,}?)(?:هما|كما|تين|تان|ها|ان|ات|ون|ين|يه|ته|هم|هن|ي)$")
# A final ه is a pronoun or a folded ة: taken off only from longer words, so that مسافة meets
# مسافته but عملة does not become عمل.
_FINAL_HA = re.compile(r"^(.{4,})ه$")

_stemmer = Stemmer.Stemmer("arabic")
LONGEST_WORD = 64


def well_formed(text: str) -> str:
    """Text with lone surrogates (undecodable bytes, broken JSON) as U+FFFD.

    Such text can be neither stored in SQLite nor sent anywhere as UTF-8.
    """
    return _SURROGATE.sub("\ufffd", text)


def normalize(text: str) -> str:
    """Fold every spelling variant of the same Arabic text onto one form."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub(" ", text)
    text = _DIACRITICS.sub("", text).replace(_TATWEEL, "")
    text = text.translate(_FOLD).lower()
    return " ".join(_NON_WORD.sub(" ", text).split())


def tokens(text: str) -> list[str]:
    """Split text into normalised words."""
    return normalize(text).split()


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Arabic function words that carry no topic, normalised like the text they are removed from."""
    return _word_list("stopwords_ar.txt")


@lru_cache(maxsize=1)
def smalltalk() -> frozenset[str]:
    """Words of greetings, thanks and chit-chat: a question of nothing else asks nothing."""
    return _word_list("smalltalk_ar.txt")


def is_small_talk(words: Sequence[str]) -> bool:
    """Greetings, thanks or chit-chat, and no other word that could ask about the news.

    `words` as `tokens` reads them: the caller has normalised the text once already.
    """
    chat, stop = smalltalk(), stopwords()

    def chatting(word: str) -> bool:
        # Misspelt too (شكرا جريلا, كيف حاالك): one slip from a word of chat, and no common word.
        return word in chat or (not common(word) and any(meant in chat for _, meant in slips(word)))

    return all(w in stop or chatting(w) for w in words) and any(chatting(w) for w in words)


# A request for work other than answering: write, translate, summarise or suggest something
# for the reader («اكتب لي قصيدة»، «ممكن تكتبلي رسالة»، «اقترح علي فيلما»). Only with the
# reader named (لي، علي), so «ترجمت الرواية …» stays a question's word.
_REQUEST = re.compile(
    r"^(?:(?:ممكن|رجاء|ارجو|لو سمحت|من فضلك) )?"
    r"(?:اكتب|تكتب|ترجم|تترجم|لخص|تلخص|اقترح|تقترح|ارسم|ترسم|الف)(?:لي| لي| علي| عليا)(?: |$)"
)


def is_request(words: Sequence[str]) -> bool:
    """Whether normalised words ask for work rather than about the news (_REQUEST)."""
    return _REQUEST.match(" ".join(words)) is not None


def _word_list(name: str) -> frozenset[str]:
    return frozenset(normalize(w) for w in word_lines(name))


def word_lines(name: str) -> list[str]:
    """The lines of a list shipped in bot/data, without comments and blank lines."""
    raw = resources.files("bot").joinpath("data", name).read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip() for line in raw.splitlines())
    return [line for line in lines if line]


@lru_cache(maxsize=1)
def dialect() -> dict[str, tuple[str, ...]]:
    """Dialect words with the Modern Standard words for the same thing, all normalised.

    A word with no standard equivalent is a function word of the dialects that is also a
    Modern Standard word (ايه is آية, عايز is a name): matching drops it unless the
    knowledge holds it (see optional()).
    """
    return {
        normalize(word): tuple(normalize(w) for w in meant if w != NO_WORD)
        for word, meant in _dialect_lines()
    }


# What dialect_ar.txt gives as the standard word of a dialect word the standard has none for.
NO_WORD = "-"


@lru_cache(maxsize=1)
def _dialect_lines() -> list[tuple[str, list[str]]]:
    """dialect_ar.txt as written: each dialect word with its standard words."""
    pairs = (line.split("=") for line in word_lines("dialect_ar.txt"))
    return [(p[0], [w.strip() for w in p[1].split("،") if w.strip()]) for p in pairs if len(p) == 2]


@lru_cache(maxsize=1)
def _standard_spelling() -> dict[str, str]:
    """Each dialect word, normalised, with its first standard word as editors spell it.

    A word the standard has no word for (NO_WORD: ديال, a possessive) is spelt "": the model
    reads the question without it.
    """
    return {
        normalize(word): "" if meant[0] == NO_WORD else meant[0]
        for word, meant in _dialect_lines()
        if meant
    }


# «كام في المية»، «بالمية»: per cent, where مية alone is most often water (مية الشرب).
_PER_CENT = re.compile(r"(?<!\S)(في |[بف])(ال)?مي[ةه](?=[\s؟?.,،!]|$)")


def in_standard(
    text: str, held: Callable[[str], bool], spellings: Mapping[str, str] | None = None
) -> str:
    """The text with its dialect words in Modern Standard Arabic, for the sentence model.

    The model reads the standard language far better than the dialects (وش اسم الشركة اللي
    نفذت is read as ما اسم الشركة الذي نفذت). A word the knowledge holds as written (`held`,
    given the normalised word) stays as it is: الدار in الدار البيضاء is not دار (did).
    A misspelt word is written as `spellings` has it (normalised word: the word meant).
    Any word is given its usual spelling (bot/typos.py, usual: المرحله as المرحلة) unless
    it bears diacritics: every other word stays as written.
    """
    out = []
    for word in _PER_CENT.sub(r"\1\2مئة", text).split():
        edges = _EDGES.match(word)
        lead, core, trail = edges.groups() if edges else ("", word, "")
        meant = _standard_word(core, held, spellings or {})
        if meant == "":
            continue
        out.append(f"{lead}{meant}{trail}" if meant else word)
    return " ".join(out)


def _standard_word(
    core: str, held: Callable[[str], bool], spellings: Mapping[str, str]
) -> str | None:
    """One word of in_standard's text as the model is given it: None as written, "" left out."""
    folded = normalize(core)
    if not folded:
        return None
    rare = not common(folded)
    if meant := spellings.get(folded):
        return _joined_in(meant, meant, held) or usual(meant) or meant
    meant = _joined_in(core, folded, held) if rare else None
    if meant is None and not held(folded):
        meant = _dialect_word(folded)
        if meant is None and rare:
            meant = (
                _standard_tense(core, folded)
                or _standard_plural(core, folded)
                or _demonstrative(core, folded)
            )
    if meant is not None:
        return (usual(meant) or meant) if meant else ""
    if in_dialect(folded) or _DIACRITICS.search(core):
        return None
    return usual(core.replace(_TATWEEL, ""))


def _dialect_word(folded: str) -> str | None:
    """The standard word for a dialect word, with what is joined to it, as editors spell it.

    A dialect noun keeps its article, preposition and و (بالماتش بالمباراة, وكهربا
    وكهرباء), and the Maghrebi في joined to it is written apart (فسبيطار في مستشفى): the
    model reads "in the hospital" where the bare word says only "hospital".
    """
    standard = _standard_spelling()
    if folded in standard:
        return standard[folded]
    joined = _JOINED.match(folded)
    # A preposition without the article is read off only a word written Arabic seldom uses:
    # بدوا is a verb (بدأوا typed without its hamza), not ب and دوا (medicine).
    if joined and joined.group(3) in standard and (len(joined.group(2)) != 1 or not common(folded)):
        return _rejoined(joined.group(1), joined.group(2), standard[joined.group(3)])
    form = next((f for f in _spoken(folded) if f in standard), None)
    if form is None and (bare := _without_pronoun(folded)):
        word, pronoun = bare
        meant = next((standard[f] for f in word if f in standard), None)
        if meant:  # وجدوا and هم: وجدوهم; مستشفى and هم: مستشفاهم
            return _joined_pronoun(meant, pronoun)
    form = form or _dialect_slip(folded)
    if form is None:
        return None
    meant = standard[form]
    if not folded.startswith("ال") or form.startswith("ال"):
        return meant
    # A particle takes no article: الراحي is الرواحي misspelt, not رايح "will".
    return None if _function_words(meant) else "ال" + meant


def _joined_pronoun(word: str, pronoun: str) -> str:
    """A standard word with a pronoun joined to it, as the standard writes the pair."""
    ends = {"وا": "و", "ى": "ا", "ة": "ت"}
    end = next((e for e in ends if word.endswith(e)), "")
    return (word[: len(word) - len(end)] + ends[end] if end else word) + pronoun


def _split_pronoun(token: str) -> tuple[str, str] | None:
    """A word and the pronoun joined to it (_PRONOUN), or None when it has none."""
    found = _PRONOUN.match(token)
    if not found:
        return None
    return found.group(1) or found.group(3), found.group(2) or found.group(4)


def _without_pronoun(token: str) -> tuple[list[str], str] | None:
    """A dialect word's forms without the pronoun joined to it, and the pronoun.

    The dialects end a plural verb in و where the standard writes وا (لقاو, لقاوا).
    """
    split = _split_pronoun(token)
    if split is None:
        return None
    word, pronoun = split
    forms = [word, *_spoken(word)]
    return [*forms, *(f + "ا" for f in forms if f.endswith("و"))], pronoun


# Question words the dialects join ل to for "up to" (من الساعة كام لكام): كم joined to ل
# is لكم, "for you".
_ASKED_TO = frozenset({"كم", "أين", "متى"})


def _rejoined(conjunction: str, preposition: str, meant: str) -> str:
    """A standard word with the و/ف and the preposition and article a dialect word bore."""
    if not meant:  # a word the standard says without one (ديال)
        return ""
    if preposition.endswith(("ال", "لل")) and not meant.startswith("ال"):
        meant = "ال" + meant
    before = preposition[:1] if preposition[:1] in ("ب", "ك", "ل") else ""
    if before == "ل" and meant in _ASKED_TO:  # لكام، لوين، لإمتى: to how many, where, when
        meant = f"إلى {meant}"
    elif before == "ل" and meant.startswith("ال"):
        meant = "ل" + meant[1:]
    else:
        meant = before + meant
    if conjunction == "ف" and not before and common("ال" + normalize(meant).removeprefix("ال")):
        return f"في {meant}"
    return conjunction + meant


def _standard_plural(core: str, folded: str) -> str | None:
    """A dialect plural verb with the standard's ending.

    يعرضو and يبقاو are يعرضون and يبقون; the past قطعو is قطعوا.
    """
    if not folded.endswith("و") or folded.endswith("وا") or len(core) != len(folded):
        return None
    forms = [(core + "ن", folded + "ن")]
    if folded.endswith("او"):  # يبقاو, not يبدلو: يبدون is another verb
        forms.append((core[:-2] + "ون", folded[:-2] + "ون"))
    endings = forms if _SPOKEN_PRESENT.match(folded) else [(core + "ا", folded + "ا")]
    return next((written for written, form in endings if common(form)), None)


def _joined_in(core: str, folded: str, held: Callable[[str], bool]) -> str | None:
    """The Maghrebi في joined to a place the knowledge names (فصحار, فالمتحف) written apart.

    In the standard, ف joined to a noun is "so": the model reads فصحار as "so Sohar".
    Matching strips it either way, so the knowledge holds فصحار as it holds صحار.
    """
    if not folded.startswith("ف") or len(folded) < 4 or not held(folded[1:]):
        return None
    return f"في {core[1:]}" if len(core) == len(folded) else None


def _standard_tense(core: str, folded: str) -> str | None:
    """A dialect verb with its tense prefix written as Modern Standard Arabic writes the tense.

    هيترجموا is سيترجموا, وبيرجعوا and كيرجعوا are ويرجعوا and يرجعوا: the model reads a verb
    that written Arabic often uses far better than the verb behind a dialect's prefix. The
    dialects' plural ends in و or وا where the standard's ends in ون (يترجموا, يترجمون); a
    verb is known by its singular too (يترجم).
    """
    found = _TENSE.match(folded)
    if not found or found.group(1).startswith("ال") or len(core) != len(folded):
        return None  # هالسنة is هذه السنة (_demonstrative), not a verb
    verb = found.group(1)
    # Known without the pronoun joined to it too: بيوزعوها by يوزعون.
    split = _split_pronoun(verb)
    known = [verb, split[0] if split else verb]
    if not any(common(f) for v in known for f in (v, re.sub("وا?$", "ون", v), _PLURAL.sub("", v))):
        return None
    joined = folded[: len(folded) - len(folded.lstrip("وف"))]
    future = folded[len(joined) :].startswith(("ه", "ح", "رح", "غا"))
    return f"{core[: len(joined)]}{'س' if future else ''}{core[len(folded) - len(verb) :]}"


def _demonstrative(core: str, folded: str) -> str | None:
    """The Levantine and Gulf هال joined to a noun (هالسنة) as the standard writes it.

    The model reads هالسنة as no word it knows; هذه السنة it reads as the standard does.
    """
    if not folded.startswith("هال") or not common(folded[1:]) or len(core) != len(folded):
        return None
    return f"{'هذه' if folded.endswith('ه') else 'هذا'} {core[1:]}"


def in_dialect(token: str) -> bool:
    """Whether a normalised word, or the word without its clitics, is on the dialect list."""
    words = dialect()
    return token in words or strip_clitics(token) in words


def optional(token: str) -> bool:
    """Whether a normalised word is a dialect function word to drop when the knowledge lacks it.

    Listed without a standard word (عايز), or with function words only: لين is حتى (until),
    and a stopword the knowledge never holds made the Gulf «لين الحين» a word it has never
    heard of. Held, the word is the standard one (لين: soft) and stays.
    """
    meant = dialect().get(token)
    return meant is not None and all(_function_words(phrase) for phrase in meant)


def _function_words(phrase: str) -> bool:
    """Whether a standard word or phrase is stopwords only (حتى، لا يوجد): it names nothing."""
    stop = stopwords()
    return all(word in stop for word in normalize(phrase).split())


def has_article(token: str) -> bool:
    """Whether a normalised word bears the article, after و/ف and a preposition or not."""
    return _ARTICLE.match(token) is not None


def strip_clitics(token: str) -> str:
    """Remove an attached conjunction and article, the light stemming that helps matching most.

    A bare ب، ل or ك comes off only a word that written Arabic seldom uses as it stands but
    often without it: لكوستي is كوستي and ببطاريات بطاريات, but برنامج، بيروت and لبنان keep
    their first letter. A question's words are read without it anyway (readings()); a fact's
    were not, so «الضاحية الشمالية لكوستي» never met «فكوستي».
    """
    bare = _ARTICLE.sub("", token)
    if bare == token:
        bare = _CONJUNCTION.sub("", token)
    if bare == token and _PREPOSED.match(token) and not common(token) and common(token[1:]):
        return token[1:]
    return bare


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """Snowball's Arabic stem of one normalised token, after clitic stripping.

    A token longer than LONGEST_WORD is no word (Snowball takes seconds over 100,000 letters
    run together): it is kept as it is.
    """
    bare = strip_clitics(token)
    if len(bare) > LONGEST_WORD:
        return bare
    # Snowball reads a final ة as a feminine ending but a final ه as a pronoun: give it back
    # the ة that normalisation folded, so الشراكة stems to شراك and not to شرا.
    if bare.endswith("ه") and len(bare) > 3:
        bare = bare[:-1] + "ة"
    stem: str = _stemmer.stemWord(bare)  # PyStemmer ships no types
    return stem


@lru_cache(maxsize=200_000)
def light_stem(token: str) -> str:
    """A normalised token without its clitics and one common suffix."""
    bare = strip_clitics(token)
    found = _SUFFIX.match(bare) or _FINAL_HA.match(bare)
    return found.group(1) if found else bare


def readings(token: str, spoken: bool = False) -> list[str]:
    """The token, then other ways to read it when the knowledge does not hold it as written.

    Without an attached conjunction and preposition (وب، فل، ك...), the future سـ or the
    prefix of a present-tense verb (يشرب as شرب, ستحفظ as حفظ) or a plural ending the
    dialects give it (يقيسو as يقيس); without a dialect's tense prefix or
    negation (هيرجع and ماجاش as يرجع، رجع and جا), and with the letters readers most often
    confuse swapped (ض/ظ، د/ذ، ز/ذ); a dialect word, with or without its article, as its
    Modern Standard equivalent (حكى as تحدث, جا as جاء, الماتش as مباراة). Stripping ب/ل/ك
    or هـ from every word would break words that start with those letters (بيت، لبنان، هيكل),
    so matching tries these readings only for a word the knowledge does not hold as written.
    """
    preposition, conjunction, future, present = (
        r.match(token) for r in (_PREPOSITION, _AND, _FUTURE, _PRESENT)
    )
    found = [m.group(1) for m in (preposition, conjunction, future, present) if m]
    # A future's verb without its prefix too: ستحفظ is تحفظ, then حفظ (not سيارة: ياره, اره).
    verb = _PRESENT.match(future.group(1)) if future else None
    if verb and not verb.group(1).startswith("ا"):
        found.append(verb.group(1))
    # A present-tense verb's plural, as the dialects end it (يقيسو) or the standard after لن
    # (يذهبوا): the verb itself, then without its prefix.
    if (plural := _SPOKEN_PLURAL.match(token)) and (core := _PRESENT.match(plural.group(1))):
        found += [plural.group(1), core.group(1)]
    mended = article_mended(token)
    bare = [token, *found, *_spoken(token), *([mended] if mended else []), *undoubled(token)]
    bare = list(dict.fromkeys(bare))
    # A dialect word is listed bare: الماتش is looked up as ماتش.
    standard = [w for b in bare for key in (b, strip_clitics(b)) for w in dialect().get(key, ())]
    if not standard and (unsuffixed := _without_pronoun(token)):
        standard = [w for key in unsuffixed[0] for w in dialect().get(key, ())]
    misspelt = [b.translate(swap) for b in bare for swap in _CONFUSED if b.translate(swap) != b]
    # In a question asked in a dialect (`spoken`), a word of the dialect list as written is
    # read first as the word it stands for: طيارة is a plane (طائرة), though its stem is the
    # pilot's (طيار). Not otherwise: «ما عمل البنك المركزي؟» asks its work, not what it did.
    listed = list(dialect().get(_ARTICLE.sub("", token), ())) if spoken else []
    return list(dict.fromkeys(listed + bare + standard + misspelt))


# A letter typed twice is read once only in a word this long (الثثانية, صاددرتها): in
# shorter ones the doubled letter is most often the word's own (عدد، قرر، ممر).
_DOUBLED_FROM = 5
_DOUBLED = re.compile(r"(.)\1")


def undoubled(token: str) -> list[str]:
    """The token with a letter it has twice in a row written once, where that is a slip.

    The near search compares stems, and a doubled letter often keeps the stemmers from
    finding the word's (الثثانية was read as بيان, تاسييسها by its root alone). Only a word
    written Arabic seldom uses, read as one it often does: الممرضين is not المرضين, however
    seldom the knowledge holds it. A run of letters longer than a word (typos.LONGEST) is
    none: each of its doubled letters would be looked up.
    """
    if not _DOUBLED_FROM <= len(token) <= LONGEST or common(token):
        return []
    once = (token[: m.start()] + token[m.start() + 1 :] for m in _DOUBLED.finditer(token))
    return [meant for meant in once if common(meant)]


def slipped_dialect(token: str) -> list[str]:
    """The standard words for the dialect word one slip of the hand from a normalised word.

    Matching reads a word so only when the knowledge holds no word near it: الكحومة is the
    knowledge's الحكومة with two letters swapped before it is the Maghrebi الحومة (حي) with
    one too many, and الفياز its الفايز before the dialect's الفيزا.
    """
    meant = None if in_dialect(token) else _dialect_slip(token)
    return list(dialect()[meant]) if meant else []


@lru_cache(maxsize=20_000)
def _dialect_slip(token: str) -> str | None:
    """The dialect word of the list one slip of the hand from a normalised word, if any.

    A slip in a dialect word (الفينالل, السبياطر) finds no word of the knowledge near it:
    the knowledge holds the standard word (نهائي, مستشفى), not the dialect's. A word written
    Arabic often uses is meant as written, and so is one a slip from a word of three letters,
    as in the near search (bot/typos.py): الراحي is الرواحي misspelt, not راح "went".
    Cached: matching's readings and the model's text both ask it of the same rare words, each
    some 600 variants.
    """
    if common_or_joined(token):
        return None
    words = dialect()
    for form in dict.fromkeys((token, strip_clitics(token))):
        for meant in one_slip_from(form):
            if words.get(meant) and allowed_edits(meant):
                return meant
    return None


def _spoken(token: str) -> list[str]:
    """The verb inside a dialect's negation and tense prefix: مابيرجعش, بيرجع, يرجع, رجع."""
    forms = [m.group(1) for m in (_NEGATED.match(token),) if m]
    forms += [m.group(1) for f in [token, *forms] if (m := _TENSE.match(f))]
    forms += [m.group(1) for f in forms if (m := _PRESENT.match(f))]
    return forms


def content_tokens(text: str) -> list[str]:
    """Normalised words of text without stopwords, in order."""
    stop = stopwords()
    return [t for t in tokens(text) if t not in stop]


def terms(text: str) -> list[str]:
    """Stemmed content words: what the full-text index stores and the question is looked up by."""
    return [stem(t) for t in content_tokens(text)]


@lru_cache(maxsize=200_000)
def root(token: str) -> str:
    """A rough root: the light stem without a verb prefix and without its long vowels.

    Neither stemmer relates a verb to its noun (اتصل and اتصال, ينسق and التنسيق, يحتفل and
    تحتفل); this key does, at the price of some false friends, so matching weighs it apart.
    Where that leaves fewer than three letters, the root's middle letter is often و, a
    consonant there: طوّر and تطوير are both طور, موّل and التمويلية مول. Keys shorter than
    three letters say too little: the light stem stands in for them.
    """
    light = light_stem(token)
    bare = _VERB_PREFIX.sub("", light)
    for vowels in (_LONG_VOWELS, _LONG_VOWELS_BUT_WAW):
        key = bare[:1] + vowels.sub("", bare[1:])
        if len(key) >= 3:
            return key
    return light


# A word as matching reads it: its Snowball stem, light stem and rough root.
Reading = tuple[str, str, str]


def read(token: str) -> Reading:
    """A normalised word's three readings, the keys matching compares it by."""
    return stem(token), light_stem(token), root(token)


class Terms(NamedTuple):
    """A text's content words three ways, position by position."""

    stems: tuple[str, ...]
    lights: tuple[str, ...]
    roots: tuple[str, ...]


@lru_cache(maxsize=4096)
def analyse(text: str) -> Terms:
    """Snowball stems, light stems and rough roots of text's content words.

    Kept for recent texts: a load reads a sentence once as a fact's source and again for
    its article's index.
    """
    words = content_tokens(text)
    return Terms(
        tuple(stem(w) for w in words),
        tuple(light_stem(w) for w in words),
        tuple(root(w) for w in words),
    )
