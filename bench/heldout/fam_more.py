"""A second held-out layout family for each document type: cards, multi-defendant prose, certificates,
letters answering letters, interrogation minutes in the first person, an unruled cemetery ledger."""

from __future__ import annotations

from bench.heldout import pools
from bench.heldout.common import authorities, copy_to, letterhead, subject, ward_note
from bench.heldout.model import Builder, Person


def reg_cards(b: Builder) -> str:
    """A register page of cards: each detainee a two-column block of labelled fields."""
    r = b.rng
    style = r.choice(("cards", "cards_short"))
    fac, fac_l = b.facility(pools.BRANCHES + pools.PRISONS)
    letterhead(b, [*authorities(b, 2), f"{fac} - قسم القيود"])
    b.line("بطاقات الموقوفين", "center", 1.15)
    for i in range(r.randint(2, 4)):
        s = subject(b, "detainee", fac_l, form="3", nid=style == "cards")
        rows = [[("التسلسل:", b.num(i + 1)), ("الاسم الثلاثي:", s.written)]]
        rows.append([("الأم:", s.mother or ""), ("التولد:", f"{s.place} {s.year}")])
        if s.nid:
            rows.append([("الرقم الوطني:", s.nid), ("الغرفة:", ward_note(b))])
        rows.append([("تاريخ التوقيف:", b.date()), ("التهمة:", r.choice(pools.CHARGES))])
        b.pairs(rows)
        b.blocks.append(("rule",))
    b.signs(["رئيس القسم", b.official(("المقدم", "الرائد"), facility=fac_l)])
    return style


def verdict_multi(b: Builder) -> str:
    """One paragraph naming the bench in prose, then several defendants 'the first accused ... the second'."""
    r = b.rng
    style = r.choice(("ordinal", "list_in_prose"))
    court, court_l = b.facility(pools.COURTS)
    letterhead(b, ["باسم الشعب العربي في سورية", court], right=False)
    b.line(f"الدعوى رقم {b.num(r.randint(10, 900))} لعام {b.num(r.randint(2012, 2018))}", "center")
    pres = b.official(("القاضي",), role="judge", facility=court_l)
    m1 = b.official(("المستشار",), role="judge", facility=court_l)
    b.line(f"انعقدت المحكمة برئاسة {pres} وعضوية {m1} وحضور ممثل النيابة العامة.", "right")
    prison, prison_l = b.facility(pools.PRISONS[:3])
    ordinals = ("الأول", "الثاني", "الثالث", "الرابع")
    parts = []
    for k in range(r.randint(2, 4)):
        s = subject(b, "defendant", prison_l, form=r.choice(("bin", "ibn", "3")), place=False)
        if style == "ordinal":
            parts.append(f"المتهم {ordinals[k]} {s.written} والدته {s.mother} مواليد {s.year}")
        else:
            parts.append(f"{s.written} (أمه {s.mother}، {s.year})")
    joined = "، و".join(parts)
    b.line(f"بعد التدقيق في أوراق القضية المتعلقة بكل من {joined}، الموقوفين في "
           f"{b.mention_facility(prison, prison_l)}،", "right")  # fmt: skip
    b.line(
        f"وحيث ثبت إقدامهم على {r.choice(pools.CHARGES)} وفق أحكام المادة {b.num(r.randint(2, 9))}،", "right"
    )
    b.line("حكمت المحكمة بإدانتهم وحبس كل منهم مدة خمس سنوات مع الغرامة.", "right")
    b.signs(["المستشار", b.bare(m1)], ["الرئيس", b.bare(pres)])
    return style


def death_certificate(b: Builder) -> str:
    """A civil death certificate: registry letterhead, two-column fields, the informing officer."""
    r = b.rng
    style = r.choice(("certificate", "extract"))
    city, _city_l = b.place()
    letterhead(b, ["وزارة الداخلية", "مديرية الشؤون المدنية", f"أمانة السجل المدني في {city}"])
    b.line("شهادة وفاة" if style == "certificate" else "بيان وفاة", "center", 1.2)
    hosp, hosp_l = b.facility(pools.HOSPITALS)
    s = subject(b, "deceased", hosp_l, form="2", nid=True, father_apart=True)
    b.pairs([
        [("الاسم:", s.written), ("اسم الأب:", s.father)],
        [("اسم الأم:", s.mother or ""), ("الرقم الوطني:", s.nid or "")],
        [("مكان الولادة:", s.place or ""), ("تاريخ الولادة:", s.year or "")],
        [("تاريخ الوفاة:", b.date()), ("مكان الوفاة:", b.mention_facility(hosp, hosp_l))],
    ])  # fmt: skip
    informer = b.official(("النقيب", "الملازم أول"), facility=None)
    b.line(f"المخبر عن الوفاة: {informer}", "right")
    b.line(
        f"سجلت في قيود السجل المدني بتاريخ {b.date()} بموجب الواقعة رقم {b.num(r.randint(10, 9999))}.",
        "right",
    )
    b.signs(["أمين السجل المدني", b.official(("السيد",), facility=None)])
    return style


def transfer_reply(b: Builder) -> str:
    """A prison answering a branch's letter: 'further to your letter no. ...', a table in its own order."""
    r = b.rng
    style = r.choice(("reply", "reply_grid"))
    prison, prison_l = b.facility(pools.PRISONS)
    branch, branch_l = b.facility(pools.BRANCHES)
    letterhead(b, [*authorities(b, 2), b.mention_facility(prison, prison_l)], right=False)
    b.line(f"الرقم: {b.ref()}", "right")
    b.line(f"إلى: {b.mention_facility(branch, branch_l)}", "right")
    b.line(f"بالإشارة إلى كتابكم رقم {b.ref()} تاريخ {b.date()}،", "right")
    b.line("نرسل إليكم الموقوفين المذكورة أسماؤهم أدناه بعد انتهاء مدة توقيفهم لدينا:", "right")
    header = ["الرقم الوطني", "الاسم الكامل", "اسم الأم", "رقم الإضبارة"]
    rows = []
    for _ in range(r.randint(3, 6)):
        s = subject(b, "detainee", branch_l, form="3", nid=True, birth=False, place=False)
        rows.append([s.nid or "", s.written, s.mother or "", b.num(r.randint(100, 99999))])
    b.table(header, rows, "grid" if style == "reply_grid" else "rows")
    b.line("يرجى الإعلام بالاستلام.", "right")
    b.signs([f"مدير {b.mention_facility(prison, prison_l)}", b.official(("العميد",), facility=prison_l)])
    copy_to(b, ["النيابة العامة العسكرية", "الإضبارة الشخصية"])
    return style


def interrog_minutes(b: Builder) -> str:
    """Interrogation minutes in the first person: 'my name is ..., my mother ...'."""
    r = b.rng
    style = r.choice(("minutes", "minutes_release"))
    fac, fac_l = b.facility(pools.BRANCHES)
    letterhead(b, [*authorities(b, 2), b.mention_facility(fac, fac_l)])
    b.line("ضبط استجواب", "center", 1.2)
    officer = b.official(("النقيب", "الملازم أول", "الرائد"), facility=fac_l)
    first, father, family = b.name_parts()
    mother = b.mother_name()
    year_s, year = b.year()
    place_s, place_l = b.place()
    written = f"{first} {father} {family}"
    b.add(Person(written, first, father, family, mother, year, place_l, None, "detainee", None, fac_l))
    b.line(f"في يوم {b.date()} مثل أمامنا نحن {officer} الموقوف {written}، وبسؤاله عن هويته أجاب:", "right")
    b.line(f"اسمي {first} والدي {father} ووالدتي {mother} وأنا من مواليد {place_s} عام {year_s}، "
           f"وأعمل {r.choice(pools.OCCUPATIONS)}.", "right")  # fmt: skip
    b.line("س: ما هي علاقتك بالأحداث؟ ج: لا علاقة لي بأي نشاط.", "right")
    if style == "minutes_release":
        b.line("وبعد انتهاء التحقيق تقرر إطلاق سراحه وتسليمه أماناته أصولاً.", "right")
    else:
        b.line("وبعد انتهاء التحقيق تقرر إحالته إلى القضاء المختص موجوداً.", "right")
    b.line("تلي عليه ما دون فصادق عليه ووقع معنا.", "right")
    b.signs(
        ["الموقوف", first], ["الكاتب", b.official(("المساعد",), facility=fac_l)], ["المحقق", b.bare(officer)]
    )
    return style


def burial_ledger(b: Builder) -> str:
    """An unruled cemetery ledger: burial no., name, mother, date and place of death, notes."""
    r = b.rng
    style = r.choice(("open", "ruled_rows"))
    cem, cem_l = b.facility(pools.CEMETERIES)
    letterhead(b, ["مكتب دفن الموتى", f"دفتر الدفن في {b.mention_facility(cem, cem_l)}"], right=False)
    hosp, hosp_l = b.facility(pools.HOSPITALS)
    header = ["رقم الدفن", "الاسم", "الأم", "تاريخ الوفاة", "مكان الوفاة", "ملاحظات"]
    rows = []
    for _ in range(r.randint(4, 7)):
        s = subject(b, "deceased", cem_l, form=r.choice(("3", "2")), birth=False, place=False)
        note = r.choice(("", "بلا أقارب", "سلمت الأمانات", f"الجثة رقم {b.num(r.randint(1000, 9999))}"))
        rows.append([b.num(r.randint(1, 5000)), s.written, s.mother or "", b.date(),
                     b.mention_facility(hosp, hosp_l), note])  # fmt: skip
    b.table(header, rows, "none" if style == "open" else "rows")
    b.line("تم الدفن بحضور مندوب المشفى وعدد من العمال.", "right")
    b.signs(["مندوب المشفى", b.official(("المساعد أول",), facility=hosp_l)],
            ["المسؤول", b.official(("السيد",), facility=cem_l)])  # fmt: skip
    return style
