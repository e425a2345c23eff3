"""The topics the assistant answers: each a key (the intent), whether it is about the asker's own
records, the rule that recognises it (every pattern must match, in either language), and a short text in
both languages that retrieval searches when no rule fires."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    key: str
    personal: bool
    patterns: tuple[re.Pattern[str], ...]
    document: str

    def matches(self, text: str, *, personal: bool) -> bool:
        if self.personal and not personal:
            return False
        return all(p.search(text) for p in self.patterns)


def _topic(key: str, personal: bool, patterns: tuple[str, ...], document: str) -> Topic:
    return Topic(key, personal, tuple(re.compile(p) for p in patterns), document)


INJURY = r"injur|disab|hurt|accident|伤残|受伤|工伤|残疾|致残|负伤|伤了"
AMOUNT = r"get|receive|paid|pay|how much|amount|worth|entitled|多少|能拿|能领|拿到|领到|赔|补偿|得到"
PENSION = r"pension|retire|养老|退休"

# Order matters: the first topic whose patterns all match is the intent. Personal topics come first.
TOPICS: tuple[Topic, ...] = (
    _topic(
        "my_injury_estimate",
        True,
        (INJURY, AMOUNT, r"grade|level|级"),
        "what would I get if injured at a disability grade my injury benefit estimate "
        "如果我受伤 伤残等级 我能拿多少 我的工伤待遇估算",
    ),
    _topic(
        "my_pension_gap",
        True,
        (PENSION, r"month|year|enough|more|need|left|qualif|eligible|多少个月|几个月|还差|还需|还要|够|缴满|年限|资格"),
        "how many more months do I need for a pension my contribution months pension qualifying period "
        "我还差多少个月 养老金 缴费年限 够不够 领取养老金",
    ),
    _topic(
        "my_claims",
        True,
        (r"claim|application|申请|理赔|案件|认定|申报",),
        "my claims and their state where is my claim 我的申请 理赔进度 我的工伤认定 状态",
    ),
    _topic(
        "my_payments",
        True,
        (r"paid|payment|payout|transfer|money|发放|支付|到账|打款|收到.*钱|付款|钱",),
        "my benefit payments what was paid to me 我的待遇发放 钱到账了吗 支付记录",
    ),
    _topic(
        "my_contributions",
        True,
        (r"contribut|record|month|缴费|缴了|交了|交的|缴的|记录|月数",),
        "my contributions my record months on record who paid for my cover 我的缴费记录 缴了几个月 平台替我缴费",
    ),
    _topic(
        "my_coverage",
        True,
        (r"cover|insur|protect|enrol|scheme|参保|保障|覆盖|保险|社保|职业伤害",),
        "am I covered my coverage which schemes am I insured in 我有没有参保 我的保障 我参加了哪些保险",
    ),
    _topic(
        "oip_one_off_allowance",
        False,
        (r"one[- ]off (?:disability )?allowance|一次性伤残津贴",),
        "OIP one-off disability allowance grades 5 and 6 months of the benefit base 一次性伤残津贴 五级 六级",
    ),
    _topic(
        "oip_disability_allowance",
        False,
        (r"monthly (?:disability )?allowance|disability allowance|伤残津贴|按月",),
        "OIP monthly disability allowance grades 1 to 4 percent of the benefit base 伤残津贴 按月 一至四级 比例",
    ),
    _topic(
        "oip_care_allowance",
        False,
        (r"care allowance|nursing|护理费|生活护理|护理",),
        "care allowance by care level unable to care for oneself 生活护理费 护理等级",
    ),
    _topic(
        "oip_funeral_grant",
        False,
        (r"funeral|丧葬",),
        "funeral grant months of the benefit base 丧葬补助金",
    ),
    _topic(
        "oip_dependants",
        False,
        (r"dependant|dependent|spouse|widow|orphan|供养亲属|抚恤|配偶|遗属",),
        "dependants pension spouse 40 percent other dependants 30 percent 供养亲属抚恤金 配偶 子女",
    ),
    _topic(
        "oip_death_lump_sum",
        False,
        (r"death|die|died|killed|工亡|死亡|去世",),
        "lump sum on death national urban per-capita disposable income 一次性工亡补助金 死亡",
    ),
    _topic(
        "oip_wage_continuation",
        False,
        (r"continu|during treatment|off work|停工留薪|治疗期间|停工",),
        "income continuation during treatment months off work 停工留薪期 治疗期间 收入",
    ),
    _topic(
        "oip_disability_grant",
        False,
        (INJURY, r"grant|lump|grade|level|month|补助金|级|几个月|多少"),
        "OIP lump-sum disability grant months of the benefit base by disability grade 一次性伤残补助金 伤残等级 几个月",
    ),
    _topic(
        "oip_benefit_base",
        False,
        (r"benefit base|base of the benefit|计发基数|待遇基数",),
        "OIP benefit base 60 percent of the private-sector average monthly wage 待遇计发基数 城镇私营单位平均工资",
    ),
    _topic(
        "oip_per_order",
        False,
        (r"per order|each order|per-order|every order|order|每单|每一单|按单|单量|订单",),
        "OIP contribution per order paid by the platform by sector ride-hailing instant delivery freight "
        "平台 每单 缴费 网约车 即时配送 货运 骑手不用交钱",
    ),
    _topic(
        "resident_pension_minimum",
        False,
        (r"resident|城乡居民|居民养老",),
        "residents pension minimum basic pension a month 城乡居民养老保险 基础养老金 最低标准",
    ),
    _topic(
        "pension_minimum",
        False,
        (PENSION, r"minimum|at least|how many years|how long|qualif|最低|至少|满|多少年|几年|年限"),
        "minimum contribution period for a pension 15 years 最低缴费年限 养老金 十五年",
    ),
    _topic(
        "retirement_age",
        False,
        (r"retirement age|retire|退休年龄|退休",),
        "statutory retirement age men 60 to 63 women 55 to 58 退休年龄 延迟退休",
    ),
    _topic(
        "pension_indexation",
        False,
        (PENSION, r"increase|rise|raise|index|adjust|上调|调整|涨"),
        "yearly pension increase indexation rate 养老金调整 上涨 比例",
    ),
    _topic(
        "flexible_rate",
        False,
        (r"flexib|self-employ|freelanc|gig|灵活就业|个体|自由职业", r"rate|percent|%|how much|比例|费率|多少|交多少"),
        "flexible workers pension contribution rate 20 percent individual account 8 灵活就业人员 养老保险 缴费比例",
    ),
    _topic(
        "contribution_base",
        False,
        (r"contribution base|base|缴费基数|基数",),
        "contribution base 60 to 300 percent of the local average wage 缴费基数 上下限 社平工资",
    ),
    _topic(
        "unemployment",
        False,
        (r"unemploy|jobless|lose my job|lost my job|失业",),
        "unemployment benefit duration 12 18 24 months at least one year of contributions 失业保险金 领取期限 条件",
    ),
)
