"""The dev2 split's layout families: prison registers and death reports, written apart from the dev and
heldout families (their own column sets and orders, wording, phrasing of persons and boilerplate)."""

from __future__ import annotations

from bench.heldout import pools
from bench.heldout.common import subject
from bench.heldout.model import Builder

WARD_LETTERS = ("أ", "ب", "ج", "د", "هـ")


def reg_merged(b: Builder) -> str:
    """A ruled register whose name is split over three columns (name, father, surname), the mother under
    'اسم الوالدة', and a dormitory cell merged over several rows (written once, blank below)."""
    r = b.rng
    style = r.choice(("grid", "rows"))
    prison, prison_l = b.facility(pools.PRISONS)
    b.line("الإدارة العامة للسجون", "left")
    b.line(f"{prison} - مكتب الذاتية", "left")
    b.line(f"سجل النزلاء المودعين خلال شهر {b.num(r.randint(1, 12))} لعام {b.num(r.randint(2012, 2018))}",
           "center", 1.1)  # fmt: skip
    header = ["م", "المهجع", "الاسم", "اسم الأب", "الكنية", "اسم الوالدة", "التولد", "تاريخ الإيداع"]
    rows = []
    serial = r.randint(1, 400)
    for _group in range(r.randint(2, 3)):
        ward = f"{b.num(r.randint(1, 40))}/{r.choice(WARD_LETTERS)}"
        for k in range(r.randint(1, 3)):
            s = subject(b, "detainee", prison_l, form="3", place=r.random() < 0.4)
            first, family = s.person.first, s.person.family or ""
            born = f"{s.place} {s.year}" if s.place else (s.year or "")
            rows.append([b.num(serial), ward if k == 0 else "", first, s.father, family, s.mother or "", born,
                         b.date()])  # fmt: skip
            serial += 1
    b.table(header, rows, style)
    b.line("ملاحظة: الخانات الفارغة في عمود المهجع تتبع المهجع المذكور أعلاها.", "right")
    b.signs(["أمين السجل", b.official(("المساعد",), facility=prison_l)],
            ["مدير السجن", b.official(("العميد", "العقيد"), facility=prison_l)])  # fmt: skip
    return style


def reg_intake(b: Builder) -> str:
    """An unruled intake ledger in its own order: date in, file no., mother 'الأم' before the name,
    the name, birth, the arresting body (not where the person is), notes."""
    r = b.rng
    style = r.choice(("none", "rows"))
    fac, fac_l = b.facility(pools.PRISONS + pools.BRANCHES)
    arrester, arrester_l = b.facility([f for f in pools.BRANCHES if f[0] != fac])
    b.line("وزارة الداخلية", "center")
    b.line(f"دفتر قيد الموقوفين الواردين إلى {b.mention_facility(fac, fac_l)}", "center", 1.1)
    header = ["تاريخ الدخول", "رقم الإضبارة", "الأم", "الاسم الثلاثي", "المواليد", "الجهة الموقفة", "ملاحظات"]
    rows = []
    for _ in range(r.randint(4, 7)):
        s = subject(b, "detainee", fac_l, form="3", nid=False, place=r.random() < 0.6)
        born = f"{s.year} {s.place}" if s.place else (s.year or "")
        note = r.choice(("", "مريض", "قاصر", "بانتظار المحاكمة", "ممنوع من الزيارة"))
        rows.append([b.date(), b.num(r.randint(1000, 99999)), s.mother or "", s.written, born,
                     b.mention_facility(arrester, arrester_l), note])  # fmt: skip
    b.table(header, rows, style)
    b.line("تم تفتيش الموقوفين واستلام أماناتهم حسب الأصول.", "right")
    duty = b.official(("الملازم أول", "الملازم", "المساعد أول"), facility=fac_l)
    b.line(f"الضابط المناوب: {duty}", "right")
    return style


def death_coroner(b: Builder) -> str:
    """'تقرير الطبيب الشرعي' on several bodies: one labelled block per body ('الجثة رقم N'), a cause of
    death line each, unknown bodies written 'مجهول الهوية' (no person), the coroner in the opening prose."""
    r = b.rng
    style = r.choice(("blocks", "blocks_nid"))
    hosp, hosp_l = b.facility(pools.HOSPITALS)
    b.line("وزارة العدل - الطبابة الشرعية", "right")
    b.line("تقرير الطبيب الشرعي", "center", 1.25)
    coroner = b.official(("الطبيب الشرعي", "الدكتور"), facility=hosp_l)
    b.line(f"أنا الموقع أدناه {coroner}، بناءً على كتاب النيابة رقم {b.ref()}، كشفت بتاريخ {b.date()} "
           f"في براد {b.mention_facility(hosp, hosp_l)} على الجثث التالية:", "right")  # fmt: skip
    for _ in range(r.randint(2, 4)):
        body = b.num(r.randint(1000, 99999))
        if r.random() < 0.2:
            b.line(f"الجثة رقم {body}: مجهول الهوية، ذكر في العقد {r.choice(('الثالث', 'الرابع'))} من العمر.",
                   "right")  # fmt: skip
            b.line(f"سبب الوفاة: {r.choice(pools.CAUSES)}.", "right")
            continue
        s = subject(b, "deceased", hosp_l, form=r.choice(("3", "bin")), nid=style == "blocks_nid")
        b.line(f"الجثة رقم {body}:", "right")
        b.line(f"الاسم: {s.written}   الأم: {s.mother}", "right")
        born = f"المولد: {s.place} {s.year}"
        b.line(f"{born}   الرقم الوطني: {s.nid}" if s.nid else born, "right")
        b.line(f"تاريخ الوفاة: {b.date()}   سبب الوفاة: {r.choice(pools.CAUSES)}", "right")
    b.line("وبناءً عليه نظم هذا التقرير بعد الكشف الظاهري ولا يوجد ما يستدعي التشريح.", "right")
    b.signs(["الطبيب الشرعي", b.bare(coroner)])
    return style


def death_ward(b: Builder) -> str:
    """A military hospital's daily list of the dead: a covering letter to the sending branch, a table
    in its own order (admission, name, mother 'الوالدة', age-less birth year, death date), then one
    'سبب الوفاة المباشر' line per body under the table."""
    r = b.rng
    style = r.choice(("grid", "rows"))
    hosp, hosp_l = b.facility(pools.HOSPITALS)
    branch, branch_l = b.facility(pools.BRANCHES)
    b.line("إدارة الخدمات الطبية العسكرية", "right")
    b.line(f"{hosp} - قسم السجلات", "right")
    b.line(f"إلى: رئيس {b.mention_facility(branch, branch_l)}", "right")
    b.line(f"الموضوع: الموقوفون المتوفون لدينا المحالون من قبلكم، رقم {b.ref()}", "right")
    header = ["تاريخ القبول", "الاسم والنسبة", "الوالدة", "سنة الولادة", "تاريخ الوفاة"]
    rows, causes = [], []
    for _ in range(r.randint(3, 6)):
        s = subject(b, "deceased", hosp_l, form="3", place=False)
        rows.append([b.date(), s.written, s.mother or "", s.year or "", b.date()])
        causes.append(f"{s.written}: {r.choice(pools.CAUSES)}")
    b.table(header, rows, style)
    b.line("سبب الوفاة المباشر:", "right")
    for c in causes:
        b.line(c, "right")
    b.line("يرجى إعلامنا بالجهة التي ستستلم الجثث.", "right")
    b.signs(["مدير المشفى", b.official(("اللواء الطبيب", "العميد الطبيب"), facility=hosp_l)])
    return style
