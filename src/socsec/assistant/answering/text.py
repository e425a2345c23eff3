"""Reading a question's text: its language, and its words for retrieval.

Chinese is cut into overlapping character bigrams (and single characters for a lone one), English into
lower-case words with a plural "s" removed. Bigrams need no dictionary: nothing to load at start-up, and a
policy term the dictionary lacks ("新就业形态") is still found by its pairs (docs/architecture.md, "The help
assistant", gives the measurement against jieba)."""

from __future__ import annotations

import re
import unicodedata

_CJK = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[a-z][a-z0-9\-]*|\d+(?:\.\d+)?")
_STOP_TEXT = (
    "a an and are as at be by can do does for from have how i if in is it "
    "my me of on or the to what when which who will with would you your much many get need"
)
STOPWORDS = frozenset(_STOP_TEXT.split())
CJK_STOP = frozenset("的了吗呢吧啊是我在有和与就都")


def language_of(text: str) -> str:
    """``zh`` when the text has a Chinese character, else ``en``."""
    return "zh" if _CJK.search(text) else "en"


def normalise(text: str) -> str:
    """Full-width letters and digits as half-width (NFKC), lower case, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def tokens(text: str) -> list[str]:
    """The words of ``text`` for retrieval: Chinese bigrams, English words (without a plural s)."""
    text = normalise(text)
    out: list[str] = []
    for run in _CJK.findall(text):
        chars = [c for c in run if c not in CJK_STOP] if len(run) > 2 else list(run)
        if len(chars) == 1:
            out.append(chars[0])
        out.extend(chars[i] + chars[i + 1] for i in range(len(chars) - 1))
    for word in _WORD.findall(_CJK.sub(" ", text)):
        if word in STOPWORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return out
