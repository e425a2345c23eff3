"""Reading a question: the values it names (a disability grade, a sector, an ID number, a person), whether
it asks about the asker or about someone else, and its intent by rules (patterns in both languages),
with BM25 retrieval over the topics when no rule fires."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .bm25 import BM25
from .text import language_of, normalise, tokens
from .topics import TOPICS, Topic

MIN_SCORE = 3.0  # a retrieval score below this is "not known": the question is offered to an officer
MIN_TERMS = 2  # nor is a topic that shares a single word with the question (one word is no evidence)
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_GRADE = re.compile(
    r"(?:grade|level)\s*(\d{1,2})\b|(\d{1,2})\s*(?:级|grade)|([一二三四五六七八九十]{1,2})\s*级|"
    r"(\d{1,2})(?:st|nd|rd|th)\s*grade"
)
_RESIDENT_ID = re.compile(r"(?<!\d)\d{17}[\dx](?![\dx])")
_PERSON_ID = re.compile(r"(?:person|人员|用户|编号|id)\s*(?:no\.?|number|号)?\s*[#:：]?\s*(\d{1,9})\b")
_SELF_EN = re.compile(r"\b(i|i'm|i've|my|me|mine|myself)\b")
_OTHER_EN = re.compile(
    r"\b(?:his|her|their|someone else'?s?|another (?:person|worker|rider)'?s?|"
    r"my (?:friend|wife|husband|colleague|brother|sister|mother|father|son|daughter|neighbour|neighbor)'?s?)\s+"
    r"(?:\w+\s+){0,2}(?:claims?|records?|contributions?|coverage|payments?|pension|benefits?|account|data|months)\b"
)
_NAMED_EN = re.compile(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+)+)'s\b")
_OTHER_ZH = re.compile(
    r"(?:他|她|他们|别人|其他人|朋友|同事|老婆|老公|妻子|丈夫|爸爸|妈妈|父亲|母亲|儿子|女儿|邻居|工友)"
    r"(?:的)?(?:\S{0,3})(?:理赔|记录|缴费|参保|待遇|养老金|支付|账户|信息|社保|申请)"
)
_NAMED_ZH = re.compile(r"([\u4e00-\u9fff]{2,3})的(?:理赔|缴费记录|缴费|参保|待遇|养老金|支付|账户|社保|申请|信息)")
_NOT_NAMES = (
    "我",
    "平台",
    "骑手",
    "工人",
    "劳动者",
    "个人",
    "单位",
    "企业",
    "国家",
    "本人",
    "自己",
    "今年",
    "去年",
    "每月",
)

SECTORS = {
    "RIDE_HAILING": re.compile(r"ride[- ]?hail|taxi|网约车|打车|专车|快车"),
    "INSTANT_DELIVERY": re.compile(r"instant delivery|courier|即时配送|同城配送|跑腿|闪送|快递"),
    "FOOD_DELIVERY": re.compile(r"food delivery|takeaway|外卖|送餐"),
    "INTRA_CITY_FREIGHT": re.compile(r"freight|haul|货运|拉货|搬家"),
}


@dataclass(frozen=True)
class Asker:
    """Who is asking: their registry record's id, resident ID and name (to tell theirs from another's)."""

    person_id: int
    resident_id: str
    name: str


@dataclass
class Reading:
    question: str
    language: str
    intent: str  # a topic's key; "" when none
    score: float  # the retrieval score (a rule's match counts as certain)
    personal: bool
    grade: int | None = None
    sector: str = ""
    other_person: str = ""  # why the question is about someone else; "" when it is not
    matched_by: str = ""  # "rule" or "retrieval"
    values: dict[str, str] = field(default_factory=dict)


def grade_of(text: str) -> int | None:
    """The disability grade (1-10) the question names, in digits or in Chinese numerals; None if none."""
    for match in _GRADE.finditer(text):
        raw = next(g for g in match.groups() if g)
        grade = int(raw) if raw.isdigit() else _CN_DIGITS.get(raw)
        if grade is not None and 1 <= grade <= 10:
            return grade
    return None


def sector_of(text: str) -> str:
    return next((code for code, pattern in SECTORS.items() if pattern.search(text)), "")


def other_person(original: str, text: str, asker: Asker) -> str:
    """Why the question is about another person's data, or "" when it is not."""
    for found in _RESIDENT_ID.findall(text):
        if found.upper() != asker.resident_id.upper():
            return "id_number"
    for found in _PERSON_ID.findall(text):
        if int(found) != asker.person_id:
            return "person_id"
    if _OTHER_EN.search(text) or _OTHER_ZH.search(text):
        return "someone_else"
    for name in _NAMED_EN.findall(original):
        if name.lower() != asker.name.lower():
            return "name"
    for name in _NAMED_ZH.findall(text):
        if asker.name and asker.name in name:
            continue
        if not any(word in name for word in _NOT_NAMES):
            return "name"
    return ""


class Reader:
    """The topics' index, built once; ``read`` gives a question's reading."""

    def __init__(self, topics: tuple[Topic, ...] = TOPICS) -> None:
        self.topics = topics
        self.index = BM25([tokens(t.document) for t in topics])

    def read(self, question: str, asker: Asker) -> Reading:
        text = normalise(question)
        language = language_of(text)
        personal = bool(_SELF_EN.search(text)) or "我" in text
        reading = Reading(
            question=question,
            language=language,
            intent="",
            score=0.0,
            personal=personal,
            grade=grade_of(text),
            sector=sector_of(text),
            other_person=other_person(question, text, asker),
        )
        if reading.other_person:
            return reading
        for topic in self.topics:
            if topic.matches(text, personal=personal):
                reading.intent, reading.score, reading.matched_by = topic.key, float("inf"), "rule"
                return reading
        words = tokens(text)
        hits = self.index.search(words, limit=1)
        if hits and hits[0].score >= MIN_SCORE and self.index.overlap(words, hits[0].index) >= MIN_TERMS:
            topic = self.topics[hits[0].index]
            if not topic.personal or personal:
                reading.intent, reading.matched_by = topic.key, "retrieval"
            reading.score = hits[0].score
        elif hits:
            reading.score = hits[0].score
        return reading
