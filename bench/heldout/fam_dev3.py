"""The dev3 split's layout families: verdicts, burial and death lists and registers, written apart from
the dev, dev2 and heldout families (their own wording, column sets and orders, ways of introducing a
person), from what Syrian court, cemetery, hospital and prison paperwork is known to look like.

dev3 is tunable like dev2: tune on it, report heldout. Its persons also draw on names the other
splits never use (``EXTRA_MEN`` …), so a rule that only knows the shared pools shows here.
"""

from __future__ import annotations

from bench.heldout import pools
from bench.heldout.common import Subject
from bench.heldout.model import Builder, Person

EXTRA_MEN = ("طارق", "سامر", "جمال", "منير", "غسان", "وائل", "ثائر", "هيثم", "عماد", "كمال", "رائد",
             "أنور", "بسام", "زياد", "سعيد", "توفيق", "راتب", "عبد القادر", "عبد العزيز",
             "محي الدين")  # fmt: skip
EXTRA_WOMEN = ("هند", "سناء", "نجوى", "رحمة", "سوسن", "فريال", "إيمان", "لينا", "عبير", "دعاء")
EXTRA_FAMILIES = ("السعدي", "الفارس", "العيسى", "الحلاق", "الدرويش", "المصطفى", "شحادة", "نعسان",
                  "قدور", "الحسين", "العبد الله", "بركات", "حجازي", "الأتاسي", "السباعي")  # fmt: skip
SENTENCES = ("بالأشغال الشاقة مدة عشر سنوات", "بالسجن مدة ثلاث سنوات", "بالإعدام شنقاً حتى الموت",
             "بالاعتقال المؤقت مدة سبع سنوات")  # fmt: skip
OFFICIAL_TITLES = ("العقيد", "المقدم", "الرائد", "النقيب", "المساعد")


def _parts(b: Builder, female: bool = False) -> tuple[str, str, str]:
    r = b.rng
    first = r.choice((pools.WOMEN + EXTRA_WOMEN) if female else (pools.MEN + EXTRA_MEN))
    return first, r.choice(pools.MEN + EXTRA_MEN), r.choice(pools.FAMILIES + EXTRA_FAMILIES)


def _mother(b: Builder) -> str:
    return b.rng.choice(pools.WOMEN + EXTRA_WOMEN)


def person(b: Builder, role: str, facility: str | None, *, link: str = "", birth: bool = True,
           place: bool = False, female: bool = False) -> Subject:  # fmt: skip
    """A subject with names from the wider dev3 pool; ``link`` "بن"/"ابن" joins first and father."""
    first, father, family = _parts(b, female)
    joint = f" {('بنت' if female else link)} " if link else " "
    written = f"{first}{joint}{father} {family}"
    mother = _mother(b)
    year_s, year = b.year() if birth else (None, None)
    place_s, place_l = b.place() if place else (None, None)
    p = Person(written, first, father, family, mother, year, place_l, None, role, None, facility)
    b.add(p)
    return Subject(written, father, mother, year_s, place_s, None, p)


def verdict_bihaq(b: Builder) -> str:
    """A criminal court's decision in running prose: the defendants introduced after 'بحق كل من' /
    'ضد' in one paragraph, each 'فلان بن فلان والدته ... مواليد ...', the decision repeating them."""
    r = b.rng
    style = r.choice(("paragraph", "against"))
    court, court_l = b.facility(pools.COURTS)
    b.line("الجمهورية العربية السورية", "center")
    b.line("وزارة العدل", "center")
    b.line(f"{court}", "center", 1.1)
    b.line(f"رقم الأساس {b.num(r.randint(1, 900))} رقم القرار {b.num(r.randint(1, 900))}", "left")
    judge = b.official(("القاضي",), role="judge", facility=court_l)
    b.line(f"الهيئة الحاكمة: الرئيس {judge}", "right")
    prison, prison_l = b.facility(pools.PRISONS)
    subs = [person(b, "defendant", prison_l, link=r.choice(("بن", "ابن", "")), place=r.random() < 0.5)
            for _ in range(r.randint(2, 4))]  # fmt: skip
    bits = []
    for s in subs:
        born = f"مواليد {s.place} {s.year}" if s.place else f"تولد {s.year}"
        bits.append(f"{s.written} والدته {s.mother} {born}")
    lead = "أصدرت المحكمة حكمها بحق كل من:" if style == "paragraph" else "الدعوى العامة ضد:"
    b.line(f"{lead} {'، و'.join(bits)}، الموقوفين في {b.mention_facility(prison, prison_l)}.", "right")
    b.line(f"بجرم {r.choice(pools.CHARGES)} سنداً للمادة {b.num(r.randint(100, 400))} عقوبات.", "right")
    lawyer = b.official(("المحامي", "الأستاذ"), role="other")
    b.line(f"وبعد سماع أقوال وكيل الدفاع {lawyer} والنيابة العامة،", "right")
    b.line("وبعد التدقيق والمداولة قررت المحكمة بالإجماع:", "right")
    names = " و".join(s.written for s in subs)
    b.line(f"تجريم المتهمين {names} {r.choice(SENTENCES)}.", "right")
    b.line(f"قراراً قابلاً للطعن صدر بتاريخ {b.date()}.", "right")
    b.signs(["رئيس المحكمة", b.bare(judge)], ["الكاتب", b.official(("السيد",), role="other")])
    return style


def verdict_field(b: Builder) -> str:
    """A field court's ruling: the convicted listed in one sentence after 'وهم' with no kinship word,
    names joined by commas, then each one's mother in a following table-less 'الأم' note line."""
    r = b.rng
    style = r.choice(("wahum", "lines"))
    court, court_l = b.facility(pools.COURTS)
    b.line("سري للغاية", "left")
    b.line(f"{court}", "right", 1.05)
    b.line(f"محضر جلسة رقم {b.num(r.randint(1, 300))}", "center")
    pres = b.official(("العميد", "اللواء"), role="judge", facility=court_l)
    b.line(f"انعقدت المحكمة برئاسة {pres} وعضوية ضابطين.", "right")
    prison, prison_l = b.facility(pools.PRISONS + pools.BRANCHES)
    subs = [person(b, "defendant", prison_l, birth=r.random() < 0.5) for _ in range(r.randint(2, 5))]
    if style == "wahum":
        b.line(f"نظرت المحكمة في ملف الموقوفين لدى {b.mention_facility(prison, prison_l)} وهم: "
               f"{'، '.join(s.written for s in subs)}.", "right")  # fmt: skip
    else:
        b.line(f"نظرت المحكمة في ملف الموقوفين لدى {b.mention_facility(prison, prison_l)} وهم:", "right")
        for s in subs:
            b.line(f"- {s.written}", "right")
    for s in subs:
        born = f"، مواليد {s.year}" if s.year else ""
        b.line(f"{s.written}: والدته {s.mother}{born}، {r.choice(pools.CHARGES)}.", "right")
    b.line(f"وقررت الحكم عليهم {r.choice(SENTENCES)} وتصديق الحكم أصولاً.", "right")
    b.signs(["رئيس المحكمة", b.bare(pres)])
    return style


def burial_mass(b: Builder) -> str:
    """A mass-burial minute: numbered prose entries '١- فلان ابن فلان (والدته فلانة) قبر رقم ...',
    unidentified bodies by number only, then a committee."""
    r = b.rng
    style = r.choice(("numbered", "dashed"))
    cem, cem_l = b.facility(pools.CEMETERIES)
    hosp, hosp_l = b.facility(pools.HOSPITALS)
    b.line("محافظة ريف دمشق", "right")
    b.line("مكتب دفن الموتى", "right")
    b.line("محضر دفن", "center", 1.2)
    b.line(f"بناء على كتاب {b.mention_facility(hosp, hosp_l)} رقم {b.ref()} تم بتاريخ {b.date()} دفن جثث "
           f"المتوفين التالية أسماؤهم في {b.mention_facility(cem, cem_l)}:", "right")  # fmt: skip
    for k in range(r.randint(3, 6)):
        mark = f"{b.num(k + 1)}-" if style == "numbered" else "-"
        if r.random() < 0.2:
            b.line(f"{mark} جثة مجهولة الهوية تحمل الرقم {b.num(r.randint(100, 9999))}", "right")
            continue
        s = person(b, "deceased", cem_l, link=r.choice(("ابن", "بن", "")), birth=r.random() < 0.4)
        born = f" مواليد {s.year}" if s.year else ""
        b.line(f"{mark} {s.written} (والدته {s.mother}){born} قبر رقم {b.num(r.randint(1, 3000))}", "right")
    b.line("وقد جرى الدفن بإشراف اللجنة المؤلفة من:", "right")
    b.signs(["مندوب الصحة", b.official(("الدكتور",), facility=hosp_l)],
            ["مندوب الشرطة", b.official(("الرقيب",), facility=cem_l)])  # fmt: skip
    return style


def burial_sheet(b: Builder) -> str:
    """A cemetery's monthly sheet: columns grave, full name, father, mother, age, source, in an order
    of its own; family name first ('الكنية والاسم')."""
    r = b.rng
    style = r.choice(("grid", "rows"))
    cem, cem_l = b.facility(pools.CEMETERIES)
    hosp, hosp_l = b.facility(pools.HOSPITALS)
    b.line(f"{cem}", "center", 1.1)
    b.line(f"كشف بالمدفونين لشهر {b.num(r.randint(1, 12))} عام {b.num(r.randint(2012, 2017))}", "center")
    header = ["رقم القبر", "الاسم والنسبة", "اسم الأب", "اسم الأم", "العمر", "مصدر الجثة"]
    rows = []
    for _ in range(r.randint(4, 7)):
        first, father, family = _parts(b)
        mother = _mother(b)
        p = Person(f"{first} {family}", first, father, family, mother, None, None, None, "deceased", None,
                   cem_l)  # fmt: skip
        b.add(p)
        rows.append([b.num(r.randint(1, 2500)), f"{first} {family}", father, mother,
                     b.num(r.randint(19, 70)), b.mention_facility(hosp, hosp_l)])  # fmt: skip
    b.table(header, rows, style)
    b.signs(["أمين المقبرة", b.official(("السيد",), facility=cem_l)])
    return style


def death_list(b: Builder) -> str:
    """A military hospital's table of deaths among detainees: body number, name with father by ابن,
    mother, the branch that sent the body, the cause; the forensic doctor and director sign."""
    r = b.rng
    style = r.choice(("grid", "none"))
    hosp, hosp_l = b.facility(pools.HOSPITALS)
    branch, branch_l = b.facility(pools.BRANCHES)
    b.line("إدارة الخدمات الطبية العسكرية", "right")
    b.line(f"{hosp} - قسم الطب الشرعي", "right")
    b.line(f"جدول بأسماء الموقوفين المتوفين الواردين من {b.mention_facility(branch, branch_l)}", "center")
    header = ["ت", "رقم الجثة", "اسم المتوفى", "والدته", "التولد", "سبب الوفاة"]
    rows = []
    for k in range(r.randint(3, 6)):
        s = person(b, "deceased", hosp_l, link=r.choice(("ابن", "")), place=r.random() < 0.3)
        born = f"{s.place} {s.year}" if s.place else (s.year or "")
        rows.append([b.num(k + 1), f"{b.num(r.randint(1, 9999))}/{r.choice(('ع', 'ط'))}", s.written,
                     s.mother or "", born, r.choice(pools.CAUSES)])  # fmt: skip
    b.table(header, rows, style)
    b.line("يرجى الاطلاع وإعلام ذويهم أصولاً.", "right")
    b.signs(["الطبيب الشرعي", b.official(("الدكتور",), facility=hosp_l)],
            ["مدير المشفى", b.official(("العميد الطبيب", "اللواء"), facility=hosp_l)])  # fmt: skip
    return style


def reg_family_first(b: Builder) -> str:
    """A register with the family name in the first name column ('الشهرة'), given name, father,
    mother, then place and year of birth apart, the arresting branch last."""
    r = b.rng
    style = r.choice(("grid", "rows", "none"))
    fac, fac_l = b.facility(pools.PRISONS + pools.BRANCHES)
    b.line(f"{fac}", "right")
    b.line("قائمة بأسماء الموقوفين", "center", 1.1)
    header = ["الرقم", "الشهرة", "الاسم", "اسم الأب", "اسم الأم", "مكان الولادة", "سنة الولادة", "ملاحظات"]
    rows = []
    for k in range(r.randint(4, 7)):
        first, father, family = _parts(b)
        mother = _mother(b)
        year_s, year = b.year()
        place_s, place_l = b.place()
        p = Person(f"{first} {father} {family}", first, father, family, mother, year, place_l, None,
                   "detainee", None, fac_l)  # fmt: skip
        b.add(p)
        rows.append([b.num(k + 1), family, first, father, mother, place_s, year_s,
                     r.choice(("", "", "محال للقضاء", "قيد التحقيق"))])  # fmt: skip
    b.table(header, rows, style)
    b.signs(["رئيس القلم", b.official(OFFICIAL_TITLES, facility=fac_l)])
    return style


def reg_compact(b: Builder) -> str:
    """A compact register: one cell 'الموقوف / والدته' ('فلان بن فلان / فلانة'), one cell of birth
    'مواليد دوما ١٩٨٥', a date of arrest; the header's wording unlike the others."""
    r = b.rng
    style = r.choice(("grid", "none"))
    fac, fac_l = b.facility(pools.PRISONS + pools.BRANCHES)
    b.line("سجل التوقيف اليومي", "center", 1.1)
    b.line(f"الجهة: {b.mention_facility(fac, fac_l)}      التاريخ: {b.date()}", "right")
    header = ["تسلسل", "الموقوف / والدته", "الولادة", "تاريخ التوقيف", "التهمة"]
    rows = []
    for k in range(r.randint(4, 7)):
        s = person(b, "detainee", fac_l, link=r.choice(("بن", "")), place=r.random() < 0.5)
        born = f"مواليد {s.place} {s.year}" if s.place else f"مواليد {s.year}"
        rows.append([b.num(k + 1), f"{s.written} / {s.mother}", born, b.date(), r.choice(pools.CHARGES)])
    b.table(header, rows, style)
    b.line("يحال الموقوفون إلى التحقيق حسب الأصول.", "right")
    b.signs(["ضابط المناوبة", b.official(OFFICIAL_TITLES, facility=fac_l)])
    return style


def reg_card_pairs(b: Builder) -> str:
    """Detainee cards printed two to a row: each card a block of labelled fields (name, mother, birth,
    file number, ward), the two cards' fields side by side on the same lines."""
    r = b.rng
    style = r.choice(("pairs", "pairs_rule"))
    fac, fac_l = b.facility(pools.PRISONS + pools.BRANCHES)
    b.line(f"{fac} - قسم الذاتية", "right")
    b.line("بطاقات الموقوفين", "center", 1.1)
    subs = [person(b, "detainee", fac_l, link=r.choice(("", "", "بن")), place=r.random() < 0.5)
            for _ in range(2 * r.randint(1, 3))]  # fmt: skip
    for a, c in zip(subs[::2], subs[1::2], strict=True):
        born_a, born_c = f"{a.place or ''} {a.year}".strip(), f"{c.place or ''} {c.year}".strip()
        files = b.num(r.randint(100, 9999)), b.num(r.randint(100, 9999))
        rows = [[("الاسم:", a.written), ("الاسم:", c.written)],
                [("والدته:", a.mother or ""), ("والدته:", c.mother or "")],
                [("التولد:", born_a), ("التولد:", born_c)],
                [("رقم الإضبارة:", files[0]), ("رقم الإضبارة:", files[1])]]  # fmt: skip
        b.pairs(rows)
        if style == "pairs_rule":
            b.gap(0.5)
    b.signs(["رئيس قسم الذاتية", b.official(OFFICIAL_TITLES, facility=fac_l)])
    return style


def reg_ledger_lines(b: Builder) -> str:
    """An intake ledger kept as lines: 'قيد رقم N - فلان الفلاني - أمه فلانة - تولد ... - أودع بتاريخ …',
    a remark line under some entries."""
    r = b.rng
    style = r.choice(("dash", "comma"))
    fac, fac_l = b.facility(pools.PRISONS)
    b.line(f"دفتر الإيداع - {b.mention_facility(fac, fac_l)}", "center", 1.1)
    b.line(f"الصفحة {b.num(r.randint(1, 300))}", "left")
    sep = " - " if style == "dash" else "، "
    for _ in range(r.randint(4, 7)):
        s = person(b, "detainee", fac_l, link=r.choice(("", "ابن")), place=r.random() < 0.4)
        born = f"تولد {s.place} {s.year}" if s.place else f"تولد {s.year}"
        b.line(sep.join([f"قيد رقم {b.num(r.randint(1, 9999))}", s.written, f"أمه {s.mother}", born,
                         f"أودع بتاريخ {b.date()}"]), "right")  # fmt: skip
        if r.random() < 0.3:
            b.line(f"ملاحظة: {r.choice(('نقل إلى المشفى', 'ممنوع من الزيارة', 'بانتظار المحاكمة'))}", "right")
    b.signs(["أمين السجل", b.official(OFFICIAL_TITLES, facility=fac_l)])
    return style
