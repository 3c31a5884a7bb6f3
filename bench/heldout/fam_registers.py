"""Layout families: prison/detention registers and court verdicts."""

from __future__ import annotations

from bench.heldout import pools
from bench.heldout.common import authorities, cell_year, letterhead, subject, ward_note
from bench.heldout.model import Builder, Person


def reg_grid(b: Builder) -> str:
    """A ruled register table: serial, name, father, mother, birth, ID, date in, ward."""
    r = b.rng
    style = r.choice(("formal", "terse"))
    fac, fac_l = b.facility(pools.PRISONS + pools.BRANCHES[:4])
    letterhead(b, [*authorities(b, 2), "الإدارة العامة للسجون" if style == "formal" else fac])
    b.gap()
    title = "سجل قيد الموقوفين" if style == "formal" else "سجل النزلاء"
    b.line(f"{title} في {b.mention_facility(fac, fac_l)}", "center", 1.1)
    b.line(f"الصفحة رقم {b.num(r.randint(2, 300))} - دفتر رقم {b.num(r.randint(1, 40))}", "center")
    header = ["م", "الاسم والشهرة", "اسم الأب", "اسم الأم", "محل وتاريخ الولادة", "الرقم الوطني",
              "تاريخ الإيداع", "المهجع"]  # fmt: skip
    rows = []
    for i in range(r.randint(4, 7)):
        s = subject(b, "detainee", fac_l, form="2", nid=r.random() < 0.8, father_apart=True)
        rows.append([b.num(i + 1), s.written, s.father, s.mother or "", cell_year(b, s), s.nid or "-",
                     b.date(), ward_note(b)])  # fmt: skip
    b.table(header, rows, "grid")
    b.gap()
    b.line(f"عدد الموقوفين في هذه الصفحة: {b.num(len(rows))}", "right")
    b.signs(
        ["أمين السجل", b.official(("المساعد", "المساعد أول", "الرقيب أول"), facility=fac_l)],
        ["مدير السجن", b.official(pools.SENIOR_RANKS, facility=fac_l)],
    )
    return style


def reg_numbered(b: Builder) -> str:
    """Numbered entries in running text, one detainee per line, labels or slashes."""
    r = b.rng
    style = r.choice(("labelled", "slashes"))
    fac, fac_l = b.facility(pools.BRANCHES + pools.PRISONS[:2])
    letterhead(b, authorities(b, 3), right=False)
    b.line(f"قيود الموقوفين لدى {b.mention_facility(fac, fac_l)}", "center", 1.1)
    b.line(f"عن الفترة المنتهية في {b.date()}", "center")
    b.gap()
    for i in range(r.randint(3, 6)):
        s = subject(b, "detainee", fac_l, form="3", nid=r.random() < 0.5)
        date = b.date()
        if style == "labelled":
            label = r.choice(("الموقوف", "المدعو", "الموقوف المدعو"))
            text = f"{b.num(i + 1)}- {label} {s.written} والدته {s.mother} تولد {s.place} {s.year}"
            if s.nid:
                text += f" الرقم الوطني {s.nid}"
            text += f"، أوقف بتاريخ {date}، {ward_note(b)}."
        else:
            text = f"{b.num(i + 1)}) {s.written} / أمه {s.mother} / مواليد {s.year} {s.place}"
            if s.nid:
                text += f" / {s.nid}"
            text += f" / {date}"
        b.line(text, "right")
    b.gap()
    b.line("ملاحظة: يمنع الزيارة عن الموقوفين المذكورين أعلاه حتى إشعار آخر.", "right")
    b.signs(["رئيس قسم السجن", b.official(("النقيب", "الملازم أول", "الرائد"), facility=fac_l)])
    return style


def reg_ledger(b: Builder) -> str:
    """A ledger whose columns run file no., entry date, family, name, father, mother, birth, referring
    branch, notes; the referring branch is not the facility the persons are in."""
    r = b.rng
    style = r.choice(("full", "short"))
    fac, fac_l = b.facility(pools.PRISONS)
    ref, ref_l = b.facility(pools.BRANCHES)
    letterhead(b, ["وزارة الداخلية", f"إدارة {b.mention_facility(fac, fac_l)}", "قلم السجل العدلي"])
    b.line(f"سجل الداخلين رقم {b.num(r.randint(1, 90))} لعام {b.num(r.randint(2012, 2018))}", "center", 1.1)
    header = ["رقم الإضبارة", "تاريخ الدخول", "الشهرة", "الاسم", "الأب", "الأم", "الولادة", "الجهة المحيلة",
              "ملاحظات"]  # fmt: skip
    rows = []
    for _ in range(r.randint(4, 7)):
        first, father, family = b.name_parts()
        mother = b.mother_name()
        year_s, year = b.year()
        place_s, place_l = b.place() if style == "full" else (None, None)
        written = f"{first} {father} {family}"
        b.add(Person(written, first, father, family, mother, year, place_l, None, "detainee", None, fac_l))
        birth = f"{place_s} {year_s}" if place_s else year_s
        refname = b.mention_facility(ref, ref_l) if r.random() < 0.7 else "-"
        rows.append([b.num(r.randint(1000, 99999)), b.date(), family, first, father, mother, birth, refname,
                     r.choice((ward_note(b), "", "بحالة صحية سيئة", "ممنوع من الزيارة"))])  # fmt: skip
    b.table(header, rows, "grid")
    b.signs(
        ["المنظم", b.official(("المساعد", "الرقيب أول"), facility=fac_l)],
        ["يصدق", "قائد الشرطة", b.official(("العقيد", "العميد"), facility=fac_l)],
    )
    return style


def _bench(b: Builder, court_l: str) -> tuple[str, str, str]:
    """The bench: a president, one or two members, a prosecutor; returns their written forms."""
    pres = b.official(pools.JUDGE_TITLES, role="judge", facility=court_l)
    member = b.official(("المستشار", "القاضي"), role="judge", facility=court_l)
    pros = b.official(("القاضي",), role="official", facility=court_l)
    return pres, member, pros


def verdict_prose(b: Builder) -> str:
    """A civil court verdict: heading, case numbers, bench, defendants introduced with بن, charges."""
    r = b.rng
    style = r.choice(("formal", "long"))
    court, court_l = b.facility(pools.COURTS)
    letterhead(
        b, ["الجمهورية العربية السورية", "وزارة العدل", court, "الغرفة " + r.choice(("الأولى", "الثانية"))]
    )
    b.line(f"رقم الأساس {b.num(r.randint(100, 2999))} رقم القرار {b.num(r.randint(10, 999))} "
           f"تاريخ {b.date()}", "right")  # fmt: skip
    pres, member, pros = _bench(b, court_l)
    b.line(f"الهيئة الحاكمة: الرئيس {pres} والعضو {member}", "right")
    b.line(f"ممثل النيابة العامة {pros}", "right")
    prison, prison_l = b.facility(pools.PRISONS)
    for _ in range(r.randint(1, 3)):
        s = subject(b, "defendant", prison_l, form=r.choice(("bin", "ibn")), nid=r.random() < 0.4)
        text = f"المدعى عليه: {s.written} والدته {s.mother} من مواليد {s.place} عام {s.year}"
        if s.nid:
            text += f" رقمه الوطني {s.nid}"
        text += f"، موقوف في {b.mention_facility(prison, prison_l)} منذ {b.date()}."
        b.line(text, "right")
    charge = r.choice(pools.CHARGES)
    b.line(f"التهمة: {charge} المنصوص عليه في المادة {b.num(r.randint(2, 9))} من القانون رقم "
           f"{b.num(19)} لعام {b.num(2012)}.", "right")  # fmt: skip
    if style == "long":
        w = b.official(("المساعد", "الرقيب"), role="witness")
        b.line(f"وبعد الاستماع إلى أقوال الشاهد {w} بعد حلفه اليمين القانونية.", "right")
    b.line("لذلك حكمت المحكمة وجاهياً بالإجماع بتجريم المدعى عليه بالجرم المسند إليه وحبسه مدة "
           f"{r.choice(('خمس', 'سبع', 'عشر'))} سنوات.", "right")  # fmt: skip
    b.line("قراراً قابلاً للطعن بالنقض أفهم علناً.", "right")
    b.signs(["عضو", b.bare(member)], ["الرئيس", b.bare(pres)])
    return style


def verdict_field(b: Builder) -> str:
    """A military field court decision: a numbered list of defendants with ابن, an officer presiding."""
    r = b.rng
    style = r.choice(("list", "inline"))
    court_l = "Military Field Court"
    b.register_facility("محكمة الميدان العسكرية", court_l)
    letterhead(b, ["القيادة العامة للجيش والقوات المسلحة", "محكمة الميدان العسكرية"], right=False)
    b.line(f"القرار رقم {b.ref()} تاريخ {b.date()}", "center")
    pres = b.official(("العميد", "العقيد"), role="judge", facility=court_l)
    b.line(f"انعقدت المحكمة برئاسة {pres} وعضوية {b.official(('المقدم', 'الرائد'), role='judge')}", "right")
    prison, prison_l = b.facility(pools.PRISONS[:3] + pools.BRANCHES[:3])
    b.line(f"وبعد الاطلاع على أوراق الدعوى المحالة من {b.mention_facility(prison, prison_l)} قررت بحق كل من:",
           "right")  # fmt: skip
    for i in range(r.randint(2, 5)):
        s = subject(b, "defendant", prison_l, form="ibn" if style == "list" else "3", place=False)
        if style == "list":
            b.line(f"{b.num(i + 1)}- {s.written} والدته {s.mother} مواليد {s.year}", "right")
        else:
            b.line(f"{b.num(i + 1)}- المتهم {s.written}، أمه {s.mother}، تولد {s.year}", "right")
    b.line(
        f"بجرم {r.choice(pools.CHARGES)} الحكم بالإعدام شنقاً ومصادرة أموالهم المنقولة وغير المنقولة.", "right"
    )
    b.line("يرجى إعلام الجهات المختصة لتنفيذ مضمونه.", "right")
    b.signs(["رئيس المحكمة", pres])
    return style


def verdict_form(b: Builder) -> str:
    """A two-column form for one defendant, then the decision in prose naming him with بن."""
    r = b.rng
    style = r.choice(("plain", "witnessed"))
    court, court_l = b.facility(pools.COURTS)
    letterhead(b, ["وزارة العدل", court])
    b.line(f"حكم صادر بتاريخ {b.date()} في الدعوى رقم {b.num(r.randint(100, 9999))}", "center", 1.05)
    prison, prison_l = b.facility(pools.PRISONS + pools.BRANCHES[:2])
    first, father, family = b.name_parts()
    mother = b.mother_name()
    year_s, year = b.year()
    place_s, place_l = b.place()
    nid_s, nid = b.national_id()
    written = f"{first} بن {father} {family}"
    b.add(Person(written, first, father, family, mother, year, place_l, nid, "defendant", None, prison_l))
    b.pairs(
        [
            [("الاسم:", first), ("الشهرة:", family)],
            [("اسم الأب:", father), ("اسم الأم:", mother)],
            [("محل الولادة:", place_s), ("تاريخها:", year_s)],
            [("الرقم الوطني:", nid_s), ("الجنس:", "ذكر")],
        ]
    )
    b.line(f"مكان التوقيف: {b.mention_facility(prison, prison_l)}", "right")
    b.gap()
    b.line(f"حيث ثبت للمحكمة أن المتهم {written} قد ارتكب جرم {r.choice(pools.CHARGES)}", "right")
    if style == "witnessed":
        w = b.official(("النقيب", "الملازم أول"), role="witness")
        b.line(f"بشهادة {w} المؤداة أمام المحكمة أصولاً", "right")
    b.line("فقد حكمت المحكمة بالأشغال الشاقة المؤقتة مدة عشر سنوات.", "right")
    judge = b.official(pools.JUDGE_TITLES, role="judge", facility=court_l)
    clerk = b.official(("المساعد",), role="official", facility=court_l)
    b.signs(["الكاتب", clerk], ["رئيس المحكمة", judge])
    return style
