"""The language-specific cue patterns of fact extraction: negation, hedging, questions, answers, diagnosis and
order cues, warning signs, follow-up, vital signs.

Gap patterns (``*_end``) are matched against the text between the previous term (or the clause start) and a term;
``after`` patterns against the text that follows a term. Everything here is hand-written from general clinical
Chinese and English usage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["EN_ASKS", "EN_LEAD", "EN_SHORT_QUESTION", "Rules", "reply_polarity", "rules_for"]


@dataclass(frozen=True)
class Rules:
    """Compiled cue patterns of one language (see the module docstring for how each is applied)."""

    language: str
    sentence: re.Pattern          # one sentence per match
    clause_split: re.Pattern      # clause boundaries inside a sentence
    question_sentence: re.Pattern  # a sentence that asks something
    value_question: re.Pattern    # asks how much / how long / what (the items are presupposed, not asked about)
    duration_question: re.Pattern
    neg_end: re.Pattern
    hedge_end: re.Pattern
    hedge_sentence: re.Pattern    # the speaker says they are unsure about what they just said
    ask_end: re.Pattern           # existence-question marker right before a term (有没有 X, any X)
    ask_after: re.Pattern         # existence-question marker right after a term (X 吗, X 没有?)
    connector: re.Pattern         # a gap that only joins two terms (、 和 / , or)
    gloss: re.Pattern             # a gap that explains the term before in other words ("X and that just means Y")
    post_neg: re.Pattern          # absence stated after a term (糖尿病没有)
    answer_negative: re.Pattern
    answer_positive: re.Pattern
    answer_unsure: re.Pattern
    all_items: re.Pattern         # 都 / both / all of them
    dx_present_end: re.Pattern
    dx_uncertain: re.Pattern      # anywhere in the clause before the term
    dx_absent_end: re.Pattern
    dx_absent_after: re.Pattern
    order_end: re.Pattern         # a test the doctor orders
    order_after: re.Pattern
    med_stop_before: re.Pattern   # right before a drug (停用 X)
    med_stop_after: re.Pattern    # right after a drug (X 不能用)
    med_continue_before: re.Pattern
    med_continue_after: re.Pattern
    purpose: re.Pattern
    conditional: re.Pattern       # an if-clause
    warning: re.Pattern           # "come to the emergency department" action
    followup: re.Pattern
    recheck: re.Pattern
    night: re.Pattern             # symptom worse at night
    occasional: re.Pattern        # habit / symptom frequency words
    qualifier: re.Pattern         # finding amount (少量, scattered)
    site: re.Pattern              # body site with laterality
    result_value: re.Pattern      # a number right after a lab term
    result_word: re.Pattern       # a qualitative result right after a lab term
    result_lead: re.Pattern       # words to drop before an imaging result
    blood_pressure: re.Pattern
    heart_rate: re.Pattern
    respiratory_rate: re.Pattern
    oxygen: re.Pattern
    weight: re.Pattern
    max_temperature: re.Pattern   # 最高 / highest, right before a temperature
    temperature_word: re.Pattern  # temperature context for English bare numbers
    allergy_word: re.Pattern
    allergy_pair_after: re.Pattern   # allergen + this = allergy (青霉素 + 过敏)
    allergy_pair_before: re.Pattern | None  # this + allergen = allergy (allergic to + penicillin)
    laterality: dict
    past_neg: re.Pattern | None = None  # a negation about an earlier time (昨天还没 X): not a denial of X now
    bare_answer: re.Pattern | None = None  # a clause that is only a yes (group pos) or a no (group neg)
    answer_fine: re.Pattern | None = None  # "all right" answering how a normal state is (睡眠正常吗？ 正常)


_ZH_FILLER = (r"(?:什么|明显|过|出现|发现|感觉|觉得|再|有|太|怎么|任何|其他|其它|别的|发生|伴|伴有|见|闻及|听到|听见|"
              r"能听到|啥|特别|有点|有些|一些|一点|点|经常|常|会|感到|发|咋|得|患|患过|得过|及|还|也|都|曾|有过|并|明显的)")
_EN_FILLER = (r"(?:any|a|an|the|had|have|has|having|been|experienced|experiencing|noticed|noticing|history of|"
              r"significant|other|recent|problems with|issues with|episodes of|feel|felt|feeling|get|got|getting|"
              r"really|much|complain of|complaining of|report|reported|with|of|some|anything like|seen|new|known|"
              r"major|true|further|more|current|currently|taking|take|on|like|that|real|ever|i|you|me|"
              r"see|seeing|appreciate|hear|notice|evidence of|signs of|sign of|obvious|acute|focal|cervical|axillary|"
              r"supraclavicular|palpable|apparent|gross|pitting|peripheral|associated|overt|definite|residual|"
              r"or|and|chest|abdominal|lower extremity|leg|calf|seem to|seems to|appear to|appears to|to)")
# Words that may modify a noun between a nominal negation and the term it negates ("no surrounding erythema",
# "without associated swelling"): adjective and participle shapes.
_EN_MODIFIER = r"(?:[a-z]+(?:ing|ed|al|ous|ive|ic|ary|ible|able|ial|ful)|new|small|large|mild|gross)"
# Discourse words that may open a question ("okay so are you still noticing...", "yeah do you ever get...").
EN_LEAD = r"(?:(?:okay|ok|alright|all right|so|and|yeah|yes|well|um|uh|now|then|also|great|good|hmm|oh|right)\b[\s,]*)*"
# The openings of a yes/no question; after a discourse word (EN_LEAD) they mark a question only in a sentence of at
# most EN_SHORT_QUESTION words (a long unpunctuated utterance that opens "okay so do you..." goes on to state things).
EN_ASKS = (r"(?:any|do you(?!\s+(?:mind|want|wanna|think|know|understand|need))|did you|have you|are you|is there|"
           r"were you|has there|does it|does that|was there|have there been)\b")
EN_SHORT_QUESTION = 30
# Hesitations before a reply's yes or no ("uh, no, nothing like that").
_EN_HESITATION = r"(?:(?:uh|um|uhm|er|erm|hmm|mm|oh|ah)\b\W*)*"
_C = re.compile


def _zh() -> Rules:
    filler = _ZH_FILLER
    return Rules(
        language="zh",
        sentence=_C(r"[^。!?;\n]+[。!?;\n]*"),
        clause_split=_C(r"[,:]"),
        question_sentence=_C(r"\?\s*$|(?:吗|呢|么)\s*[。]?\s*$|有没有|是否|是不是|有无|会不会"),
        value_question=_C(r"多少|多久|多长|几|什么时候|什么颜色|怎么样|怎样|哪|什么样|怎么开始|什么原因|啥时候"),
        duration_question=_C(r"多久|多长时间|几天|几年|几个月|什么时候开始|啥时候开始|多长"),
        neg_end=_C(rf"(?<!有)(?:没有|没|无|否认|不(?!过)|未|未曾|从未|从来没有?|并无|并没有?|未见|不是|非)(?:{filler})*$"),
        hedge_end=_C(rf"(?:可能|好像|似乎|也许|大概|应该|估计|不确定|说不清|像是|怀疑)(?:{filler}|是)*$"),
        hedge_sentence=_C(r"不太确定|不确定|说不清|记不清|记不太清|不太清楚|拿不准"),
        ask_end=_C(rf"(?:有没有|有无|是否|是不是|会不会|有没|还有没有|需不需要|要不要|做没做|得没得)(?:{filler})*$"),
        ask_after=_C(r"^\s*(?:了)?(?:吗|么|没有|没|不|呢)\s*(?:\?|$)"),
        connector=_C(r"^\s*(?:、|和|及|与|或|或者|以及|跟|加上|或是|,)?\s*$"),
        gloss=_C(r"^\s*,?\s*(?:也就是说|也就是|就是说|即)\s*,?\s*$"),
        post_neg=_C(r"^\s*(?:也|都|倒|也都|倒是)?(?:没有|没|无|不明显|未见|阴性|不存在)(?:了|的|啊|呢|过)?\s*[,。;]?\s*$"),
        answer_negative=_C(r"^(?:嗯|哦|啊|呃)?[,]?\s*(?:都|也|倒|从来|一直|基本|基本上|好像)?(?:没有|没|无|不是|不|否|没得|从没|未|都不)"),
        answer_positive=_C(r"^(?:嗯|哦|啊|呃)?[,]?\s*(?:有|是|对|嗯|会|偶尔|有点|有的|有过|是的|对的|经常|有时|有些|都有)"),
        answer_unsure=_C(r"^(?:嗯|呃)?[,]?\s*(?:不知道|不清楚|不记得|记不清|不确定|说不好|说不清|好像|可能|大概|也许)"),
        all_items=_C(r"都|全"),
        dx_present_end=_C(r"(?:诊断为|诊断是|诊断|确诊为|确诊|就是|是|属于|符合|得了|患了|这是|为|系)(?:一个|个|有)?"
                           r"(?:急性|慢性|轻度|中度|重度|早期|轻微的?|典型的?)?\s*$"),
        dx_uncertain=_C(r"考虑|可能|怀疑|疑似|像是|估计|不排除|倾向|初步"),
        dx_absent_end=_C(r"(?:不是|不考虑|排除|不像|不象|不太像|不太象|不算|不属于|不符合|没有提示|没提示|未提示|没有|不是什么|并非)(?:是|为|有)?(?:一个|个)?"
                         r"(?:急性|慢性)?\s*$"),
        dx_absent_after=_C(r"^\S{0,2}?(?:可能性不大|可能性小|不太像|不太象|可以排除|排除了|关系不大|不考虑)"),
        order_end=_C(r"(?:查|做|拍|验|抽|照|复查|完善|安排|开|需要|建议|去|再|先|测|量|约|预约|带|加|进一步)"
                     r"(?:个|一下|一个|下|一|张|一张|一次)?\s*$"),
        order_after=_C(r"^\s*(?:一下|看看|看一下|检查一下|查一下)"),
        med_stop_before=_C(r"(?:不能用|不能吃|禁用|不要用|别用|不要吃|别吃|停用|停掉|先停|避免使用|避免用|避免)\s*$"),
        med_stop_after=_C(r"^\s*(?:类|类药物|类的药)?(?:也|就|先|都|得)?(?:不能用|不能吃|禁用|不要用|别用|不要吃|别吃|停用|停掉|"
                          r"停了|停药|先停|不用吃了|不吃了)"),
        med_continue_before=_C(r"(?:照常|继续|接着|按时)(?:吃|服用|用|口服)?\s*$"),
        med_continue_after=_C(r"^\s*(?:也|还是|就)?(?:照常|继续|接着|按时)"),
        purpose=_C(r"止咳化痰|止咳|化痰|退烧|退热|降压|止痛|平喘|抗感染|消炎|护胃|降糖|降脂|抗过敏|通便|止泻"),
        conditional=_C(r"^\s*(?:如果|若|要是|一旦|假如|万一|如|假若)"),
        warning=_C(r"(?:马上|立即|立刻|及时|赶紧|尽快|赶快|随时)(?:来|到|去)?(?:医院|急诊|就诊|就医|看急诊|来看|复诊)"
                   r"|(?:来|去|到|看)急诊"),
        followup=_C(r"复诊|随访|随诊|回来复查|回来看|再来看|再来|来复查|门诊复查"),
        recheck=_C(r"复查|再查|再做|复测"),
        night=_C(r"(?:夜里|夜间|晚上|夜)\S{0,4}?(?:厉害|加重|明显|严重|多|更重|重)"),
        occasional=_C(r"偶尔|经常|天天|每天|很少|有时候|有时|平时|长期"),
        qualifier=_C(r"少量|少许|散在|大量|明显|轻度|中度|重度|可疑|轻微"),
        site=_C(r"(?P<lat>左|右|双|两)(?:侧)?(?:上|中|下)?(?:肺底|肺部|肺|下肢|上肢|肾区|肾|眼|耳|膝关节|膝盖|膝|踝|肩|乳腺|"
                r"腹股沟|腿|手|足|脚|髋|肘|腕|扁桃体|颈部|下腹|上腹|侧)|(?P<mid>咽部|腹部|剑突下|脐周|心前区)"),
        result_value=_C(r"^\s*(?:是|为|有|:|达|到|才)?\s*(?P<v>\d+(?:\.\d+)?)\s*(?P<u>×10\^?9/l|x10\^?9/l|mmol/l|mg/l|"
                        r"g/l|%|u/l|μmol/l|umol/l|ng/ml|pg/ml)?", re.IGNORECASE),
        result_word=_C(r"^\S{0,2}?(?P<w>偏高|升高|增高|偏低|降低|减低|正常|阳性|阴性|异常|高|低)"),
        result_lead=_C(r"^\s*(?:结果|检查)?(?:显示|提示|示|看到|可见|能看到|见|是|:)?\s*"),
        blood_pressure=_C(r"(?:血压|高压)\D{0,4}?(?P<s>\d{2,3})\s*(?:/|／|低压\D{0,2}?)\s*(?P<d>\d{2,3})"),
        heart_rate=_C(r"(?:心率|脉搏|心跳)\D{0,3}?(?P<v>\d{2,3})\s*(?:次|下)?"),
        respiratory_rate=_C(r"呼吸\D{0,3}?(?P<v>\d{1,2})\s*次"),
        oxygen=_C(r"(?:血氧饱和度|血氧|氧饱和度|饱和度)\D{0,4}?(?P<v>\d{2,3})\s*%?"),
        weight=_C(r"体重\D{0,3}?(?P<v>\d+(?:\.\d+)?)\s*(?P<u>公斤|kg|千克|斤)"),
        max_temperature=_C(r"最高\S{0,4}$"),
        temperature_word=_C(r"体温|发烧|发热|烧|度|℃"),
        allergy_word=_C(r"过敏"),
        allergy_pair_after=_C(r"^(?:类|类药物|类的药|类药|的药)?(?P<neg>(?:也|都|倒)?(?:不|没有?))?(?:会|有点)?过敏"),
        allergy_pair_before=None,
        laterality={"左": "左", "右": "右", "双": "双", "两": "双"},
        past_neg=_C(rf"(?:昨天|前天|昨晚|之前|以前|刚开始|一开始|开始|前几天|上周|上个月|那时候|那时|当时|早上|上午|刚才)"
                    rf"(?:的时候)?(?:都|也)?还(?:没有|没|不|未)(?:{filler})*$"),
        bare_answer=_C(r"(?:嗯|哦|啊|呃)?(?:(?P<neg>(?:都|也|倒|从来)?(?:没有|没|无|不是|没得|不会|不))|"
                       r"(?P<pos>有|是|对|有的|是的|对的|有过|会))(?:的|啊|呀|呢|哦|了|过)*"),
        answer_fine=_C(r"^(?:嗯|哦|啊)?[,]?\s*(?:都|也|还|挺|很|比较|基本|基本上|一直)?(?:正常|好|可以|还行|行|不错)"),
    )


def _en() -> Rules:
    filler = _EN_FILLER
    neg = (r"no|not|denies|denied|deny|denying|never|without|negative for|nor|none|haven't|hasn't|don't|doesn't|"
           r"didn't|wasn't|isn't|aren't|do not|does not|did not|have not|has not|nothing|free of|no sign of|"
           r"no signs of|no evidence of|negative|resolved")
    return Rules(
        language="en",
        sentence=_C(r"(?:[^.?!;\n]|\.(?=\d))+(?:[.?!;\n]+|$)"),
        clause_split=_C(r"[;:]"),
        question_sentence=_C(r"(?<!\bokay)(?<!\bok)(?<!\bright)(?<!\balright)(?<!\bokey)\?\s*$|"
                             r"^\s*(?:any|do you|did you|have you|are you|is there|were you|has there)\b|"
                             rf"^\s*{EN_LEAD}{EN_ASKS}(?=(?:\W+\w+){{0,{EN_SHORT_QUESTION}}}\W*$)"),
        value_question=_C(r"\b(?:how|what|when|where|which|why)\b"),
        duration_question=_C(r"\bhow long\b|\bwhen did\b|\bsince when\b"),
        neg_end=_C(rf"\b(?:{neg})\b(?:\s+{filler}\b)*\s*$|\b(?:no|without|nor|negative for|free of)\b"
                   rf"(?:\s+{filler}\b)*(?:\s+{_EN_MODIFIER}\b){{1,2}}(?:\s+{filler}\b)*\s*$|"
                   # a list the vocabulary only partly knows: "i don't feel any masses or any significant swelling"
                   rf"\b(?:{neg})\b(?:\s+{filler}\b)*(?:\s+[a-z]+){{1,2}},?\s+(?:or|nor)\b"
                   rf"(?:\s+(?:{filler}|{_EN_MODIFIER})\b)*\s*$"),
        hedge_end=_C(rf"\b(?:maybe|might|may|possibly|probably|perhaps|i think|kind of|sort of|not sure)\b"
                     rf"(?:\s+{filler}\b|\s+be\b|\s+a\b)*\s*$"),
        hedge_sentence=_C(r"\b(?:not sure|not certain|can't remember|don't remember|hard to say)\b"),
        ask_end=_C(rf"\b(?:any|do you have|have you had|did you have|are you having|have you noticed|is there|"
                   rf"were there|have you been having)\b(?:\s+{filler}\b)*\s*$"),
        ask_after=_C(r"^\s*\?"),
        connector=_C(r"^\s*(?:,|or|and|nor|/|,\s*or|,\s*and|,\s*nor)?\s*(?:a|an|the|some|any)?\s*$"),
        gloss=_C(r"^\s*,?\s*(?:and\s+)?(?:that|which|this|it)(?:'s|\s+(?:just\s+|basically\s+|simply\s+)?"
                 r"(?:means|is|are))\s+(?:just\s+)?(?:a|an|the|some|like)?\s*$|"
                 r"^\s*,?\s*(?:or|i\.e\.|meaning)\s*,?\s*$"),
        post_neg=_C(r"^\s*(?:is|was|has been)?\s*(?:negative|absent)\b"),
        answer_negative=_C(rf"^\W*{_EN_HESITATION}(?:no|nope|nah|not really|never|none|neither|i don't|i do not|"
                           r"i haven't|i have not|i didn't|not that i)\b"),
        answer_positive=_C(rf"^\W*{_EN_HESITATION}(?:yes|yeah|yep|yup|i do|i have|i did|a little|sometimes|"
                           r"occasionally|some|uh-huh|mm-hmm|correct|right|sure|definitely)\b"),
        answer_unsure=_C(rf"^\W*{_EN_HESITATION}(?:i don't know|i'm not sure|not sure|maybe|i think so|possibly|"
                         r"i can't remember|hard to say)\b"),
        all_items=_C(r"\b(?:both|all|all of)\b"),
        dx_present_end=_C(r"\b(?:you have|you've got|you got|it's|it is|this is|that's|diagnosis is|diagnosed with|"
                          r"diagnosis of|consistent with|shows|confirms|you're dealing with)\b"
                          r"(?:\s+(?:a|an|the|some|acute|mild|early))*\s*$"),
        dx_uncertain=_C(r"\b(?:likely|probably|possibly|suspect|i think|looks like|sounds like|might|may be|could be|"
                        r"concerned about|worried about|suspicious for|most likely|rule out)\b"),
        dx_absent_end=_C(r"\b(?:not|don't think it's|doesn't look like|no sign of|no evidence of|ruled out)\b"
                         r"(?:\s+(?:a|an|the|any))*\s*$"),
        dx_absent_after=_C(r"^\s*(?:is unlikely|is ruled out|seems unlikely)"),
        order_end=_C(r"\b(?:get|order|check|do|send|draw|obtain|schedule|need|recommend|repeat|run|getting)\b"
                     r"(?:\s+(?:a|an|the|some|your|you|for|off))*\s*$"),
        order_after=_C(r"^\s*(?:done|today|ordered)\b"),
        med_stop_before=_C(r"\b(?:stop|hold|discontinue|avoid|don't take|do not take|can't take|cannot take|"
                           r"no more)\b(?:\s+(?:the|your|taking|using|any))*\s*$"),
        med_stop_after=_C(r"^\s*(?:should be stopped|is on hold|has to stop)\b"),
        med_continue_before=_C(r"\b(?:continue|keep taking|stay on|keep on)\b(?:\s+(?:the|your|taking|with))*\s*$"),
        med_continue_after=_C(r"^\s*(?:as usual|as before)\b"),
        purpose=_C(r"\bfor (?:the |your )?(?:cough|fever|pain|blood pressure|congestion|sleep|nausea)\b"),
        conditional=_C(r"^\s*(?:if|should|in case)\b"),
        warning=_C(r"\b(?:go to|come to|head to|go straight to|come in to)\s+(?:the\s+)?(?:er|emergency room|"
                   r"emergency department|emergency|hospital)\b|\bcall 911\b|\bcome back (?:right away|immediately|"
                   r"sooner)\b|\bseek (?:immediate )?(?:medical )?(?:care|attention)\b"),
        followup=_C(r"\b(?:follow up|follow-up|followup|come back|return|see you|check back)\b"),
        recheck=_C(r"\b(?:recheck|repeat|re-check)\b"),
        night=_C(r"\b(?:worse at night|at night|worse in the evening|keeps me up)\b"),
        occasional=_C(r"\b(?:occasionally|socially|sometimes|rarely|daily|every day|heavily|a lot)\b"),
        qualifier=_C(r"\b(?:scattered|mild|moderate|severe|faint|slight|few)\b"),
        site=_C(r"\b(?P<lat>left|right|bilateral|both)\s+(?P<part>(?:lower|upper|middle)\s+)?(?:lobe|lung|lungs|base|"
                r"bases|side|leg|legs|arm|arms|ear|ears|eye|eyes|knee|knees|ankle|tonsil|tonsils|lower quadrant|"
                r"upper quadrant|lower lobe|upper lobe)\b"),
        result_value=_C(rf"^\s*(?:is|was|of|at|:|came back at|came back)?\s*(?P<v>\d+(?:\.\d+)?)\s*"
                        rf"(?P<u>thousand|k|mg/dl|mmol/l|%|g/dl)?"),
        result_word=_C(r"^\s*(?:is|was|were|are|came back|looks|looked)?\s*(?:a bit |slightly |mildly )?"
                       r"(?P<w>elevated|high|low|normal|positive|negative|abnormal|unremarkable|clear)"),
        result_lead=_C(r"^\s*(?:shows?|showed|showing|revealed|reveals|demonstrates|has|had|with|is|was|:)?\s*"
                        r"(?:a|an|the|some)?\s*"),
        blood_pressure=_C(r"(?:blood pressure|bp)\D{0,15}?(?P<s>\d{2,3})\s*(?:/|over)\s*(?P<d>\d{2,3})"),
        heart_rate=_C(r"\b(?:heart rate|pulse|hr)\b\D{0,12}?(?P<v>\d{2,3})"),
        respiratory_rate=_C(r"\b(?:respiratory rate|breathing rate|respirations|rr)\b\D{0,12}?(?P<v>\d{1,2})\b"),
        oxygen=_C(r"\b(?:oxygen saturation|oxygen level|o2 sat|sats|saturation|spo2|pulse ox)\b"
                  r"\D{0,12}?(?P<v>\d{2,3})"),
        weight=_C(rf"\b(?:weight|weigh|weighs)\b\D{{0,8}}?(?P<v>\d+(?:\.\d+)?)\s*(?P<u>pounds|lbs|kg|kilograms)"),
        max_temperature=_C(r"\b(?:max|maximum|highest|high of|as high as|up to|peaked at|spiked to)\b\D{0,12}$"),
        temperature_word=_C(r"\b(?:temperature|temp|fever|febrile|degrees)\b"),
        allergy_word=_C(r"\ballerg(?:y|ies|ic)\b"),
        allergy_pair_after=_C(r"^\s*(?P<neg>)(?:allergy|allergies)\b"),
        allergy_pair_before=_C(r"\ballerg(?:ic|y|ies)\s+(?:to\s+)?(?:(?:a|an|the|any|some|,|and|or)\s+)*$"),
        laterality={"left": "left", "right": "right", "bilateral": "bilateral", "both": "bilateral"},
        answer_fine=_C(r"^\W*(?:(?:it's|it is|pretty|really|very)\s+)?(?:fine|good|normal|great|not bad)\b"),
    )


_CACHE: dict[str, Rules] = {}
_CLAUSES = re.compile(r"[,，。；;！!？?\s]+")


def reply_polarity(text: str, rules: Rules) -> str:
    """How a reply answers a yes/no question: ``present``, ``absent``, ``uncertain`` or ``""`` (no answer).

    The reply's opening decides; failing that, the first clause that is nothing but a yes or a no (医生: 有没有恶心？
    患者: 正中、手掌大小。没有: the reply answers the where-question first).
    """
    text = text.strip()
    for pattern, answer in ((rules.answer_unsure, "uncertain"), (rules.answer_negative, "absent"),
                            (rules.answer_positive, "present")):
        if pattern.search(text):
            return answer
    if rules.bare_answer is not None:
        for clause in _CLAUSES.split(text):
            m = rules.bare_answer.fullmatch(clause)
            if m:
                return "absent" if m.group("neg") else "present"
    return ""


def rules_for(language: str) -> Rules:
    """The cue patterns of ``zh`` or ``en`` (any other language falls back to English)."""
    key = "zh" if language.startswith("zh") else "en"
    if key not in _CACHE:
        _CACHE[key] = _zh() if key == "zh" else _en()
    return _CACHE[key]

