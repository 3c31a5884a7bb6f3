"""Layout families: interrogation and release forms, cemetery and burial lists."""

from __future__ import annotations

from bench.heldout import pools
from bench.heldout.common import authorities, copy_to, letterhead, subject, ward_note
from bench.heldout.model import Builder, Person


def interrog_pairs(b: Builder) -> str:
    """A two-column interrogation form, the detainee's statement naming another person, the interrogator."""
    r = b.rng
    style = r.choice(("pairs", "pairs_terse"))
    fac, fac_l = b.facility(pools.BRANCHES)
    letterhead(b, [*authorities(b, 2), b.mention_facility(fac, fac_l)])
    b.line("استمارة استجواب موقوف", "center", 1.2)
    first, father, family = b.name_parts()
    mother = b.mother_name()
    year_s, year = b.year()
    place_s, place_l = b.place()
    nid_s, nid = b.national_id()
    job = r.choice(pools.OCCUPATIONS)
    b.add(Person(f"{first} {father} {family}", first, father, family, mother, year, place_l, nid, "detainee",
                 None, fac_l))  # fmt: skip
    if style == "pairs":
        rows = [
            [("الاسم:", first), ("الشهرة:", family)],
            [("اسم الأب:", father), ("اسم الأم:", mother)],
            [("مكان الولادة:", place_s), ("سنة الولادة:", year_s)],
            [("الرقم الوطني:", nid_s), ("المهنة:", job)],
        ]
    else:
        rows = [
            [("الاسم الثلاثي:", f"{first} {father} {family}"), ("الأم:", mother)],
            [("التولد:", f"{place_s} {year_s}"), ("الرقم الوطني:", nid_s)],
            [("العمل:", job), ("", "")],
        ]
    b.pairs(rows)  # fmt: skip
    b.line(f"تاريخ التوقيف: {b.date()}    مكان الاحتجاز: {ward_note(b)}", "right")
    b.line(f"التهمة: {r.choice(pools.CHARGES)}", "right")
    other = subject(b, "other", None, form="2", mother=False, birth=False, place=False)
    b.line(f"أقوال الموقوف: أفاد بأنه كان برفقة المدعو {other.written} وأنه لا يعرف عنه شيئاً آخر.", "right")
    b.line("صدقت أقوالي وأنا بكامل قواي العقلية.", "right")
    b.signs(
        ["توقيع الموقوف", "بصمة"], ["المحقق", b.official(("النقيب", "الملازم أول", "الرائد"), facility=fac_l)]
    )
    return style


def release_order(b: Builder) -> str:
    """A release order in prose: 'release the detainee ... unless held for another cause'."""
    r = b.rng
    style = r.choice(("judicial", "amnesty"))
    fac, fac_l = b.facility(pools.PRISONS + pools.BRANCHES[:3])
    court, court_l = b.facility(pools.COURTS)
    letterhead(b, ["وزارة العدل", b.mention_facility(court, court_l)], right=False)
    b.line("مذكرة إخلاء سبيل", "center", 1.2)
    b.line(f"رقم {b.ref()}    تاريخ {b.date()}", "right")
    b.line(f"إلى إدارة {b.mention_facility(fac, fac_l)}", "right")
    n = 1 if style == "judicial" else r.randint(2, 3)
    for _ in range(n):
        s = subject(b, "detainee", fac_l, form=r.choice(("3", "ibn")), nid=r.random() < 0.5)
        text = f"يخلى سبيل الموقوف {s.written} والدته {s.mother} تولد {s.place} {s.year}"
        if s.nid:
            text += f" رقم وطني {s.nid}"
        b.line(text + " ما لم يكن موقوفاً أو مطلوباً لداع آخر.", "right")
    if style == "amnesty":
        b.line(
            f"وذلك تنفيذاً لأحكام المرسوم التشريعي رقم {b.num(r.randint(1, 30))} لعام {b.num(2014)}.", "right"
        )
    b.line("يرجى التنفيذ والإعلام.", "right")
    judge = b.official(("القاضي",), role="judge", facility=court_l)
    b.signs(["قاضي التحقيق" if style == "judicial" else "النائب العام", judge])
    return style


def release_table(b: Builder) -> str:
    """A table of released persons under an amnesty, with file numbers, columns in an unusual order."""
    r = b.rng
    style = r.choice(("grid", "rows"))
    fac, fac_l = b.facility(pools.PRISONS)
    src, src_l = b.facility(pools.BRANCHES)
    letterhead(b, [*authorities(b, 2), f"مديرية {b.mention_facility(fac, fac_l)}"])
    b.line(f"كشف بأسماء المفرج عنهم بتاريخ {b.date()}", "center", 1.1)
    b.line(f"المحالين سابقاً من {b.mention_facility(src, src_l)}", "center")
    header = ["الأم", "الاسم الكامل", "رقم الملف", "المواليد", "الرقم الوطني", "تاريخ الإفراج"]
    rows = []
    for _ in range(r.randint(4, 7)):
        s = subject(b, "detainee", fac_l, form="3", nid=r.random() < 0.7, place=False)
        rows.append([s.mother or "", s.written, b.num(r.randint(100, 9999)), s.year or "", s.nid or "-",
                     b.date()])  # fmt: skip
    b.table(header, rows, style)
    b.line("ملاحظة: سلمت الأمانات لأصحابها بموجب إيصالات.", "right")
    b.signs(["أمين السجن", b.official(("المساعد أول",), facility=fac_l)],
            ["مدير السجن", b.official(("العقيد", "العميد"), facility=fac_l)])  # fmt: skip
    return style


def burial_table(b: Builder) -> str:
    """A cemetery table: grave, body number, name, death date, burial date, hospital; witnesses sign."""
    r = b.rng
    style = r.choice(("grid", "rows"))
    cem, cem_l = b.facility(pools.CEMETERIES)
    hosp, hosp_l = b.facility(pools.HOSPITALS)
    # the governorate as the place named ("محافظة دمشق" is the governorate, not the city)
    city, where, where_l = r.choice(
        (("دمشق", "محافظة دمشق", "Damascus Governorate"), ("ريف دمشق", "ريف دمشق", "Rif Dimashq"))
    )
    b.places.append((where, where_l))
    letterhead(b, [f"محافظة {city}", "مكتب دفن الموتى"])
    b.line(f"قائمة بأسماء المتوفين الذين تم دفنهم في {b.mention_facility(cem, cem_l)}", "center", 1.1)
    header = ["رقم القبر", "رقم الجثة", "الاسم", "اسم الأم", "تاريخ الوفاة", "تاريخ الدفن", "الجهة"]
    rows = []
    for _ in range(r.randint(4, 7)):
        s = subject(b, "deceased", cem_l, form="3", birth=False, place=False)
        grave, body = b.num(r.randint(1, 900)), b.num(r.randint(1000, 9999))
        rows.append([grave, body, s.written, s.mother or "", b.date(),
                     b.date(), b.mention_facility(hosp, hosp_l)])  # fmt: skip
    b.table(header, rows, style)
    b.signs(["الشاهد", b.official(("السيد",), role="witness")],
            ["مسؤول المقبرة", b.official(("السيد", "الشيخ"), facility=cem_l)])  # fmt: skip
    return style


def burial_minutes(b: Builder) -> str:
    """Burial minutes in prose, numbered bodies, a witnesses' formula naming two witnesses."""
    r = b.rng
    style = r.choice(("formal", "short"))
    cem, cem_l = b.facility(pools.CEMETERIES)
    hosp, hosp_l = b.facility(pools.HOSPITALS)
    letterhead(b, ["الجمهورية العربية السورية", "وزارة الأوقاف", "مديرية المقابر"], right=False)
    b.line("محضر دفن", "center", 1.2)
    b.line(f"في يوم {b.date()} تم دفن الجثث الواردة من {b.mention_facility(hosp, hosp_l)} في "
           f"{b.mention_facility(cem, cem_l)} وهي:", "right")  # fmt: skip
    for i in range(r.randint(2, 5)):
        s = subject(b, "deceased", cem_l, form="3", place=False, birth=style == "formal")
        if style == "formal":
            b.line(f"{b.num(i + 1)}- المتوفى {s.written} والدته {s.mother} مواليد {s.year}، "
                   f"القبر رقم {b.num(r.randint(1, 900))}", "right")  # fmt: skip
        else:
            b.line(f"{b.num(i + 1)}- {s.written} / {s.mother}", "right")
    w1 = b.official(("السيد",), role="witness")
    w2 = b.official(("السيد",), role="witness")
    b.line(f"وذلك بحضور الشاهدين {w1} و{w2} وقد وقعا معنا على هذا المحضر.", "right")
    b.signs(
        ["مندوب المشفى", b.official(("المساعد",), facility=hosp_l)], ["أمين المقبرة", b.official(("الشيخ",))]
    )
    return style


def burial_plots(b: Builder) -> str:
    """A burial register by plot: numbered lines, section/grave first, بن forms, dates of death."""
    r = b.rng
    style = r.choice(("dash", "colon"))
    cem, cem_l = b.facility(pools.CEMETERIES)
    letterhead(b, ["مكتب دفن الموتى", f"سجل {b.mention_facility(cem, cem_l)}"])
    hosp, hosp_l = b.facility(pools.HOSPITALS)
    b.line(f"الدفعة الواردة من {b.mention_facility(hosp, hosp_l)} بموجب الكتاب {b.ref()}", "center")
    for _ in range(r.randint(3, 6)):
        s = subject(b, "deceased", cem_l, form=r.choice(("bin", "3")), place=False)
        plot = f"القطعة {b.num(r.randint(1, 40))} / القبر {b.num(r.randint(1, 300))}"
        if style == "dash":
            b.line(f"{plot} - المتوفى {s.written} - والدته {s.mother} - مواليد {s.year} - توفي {b.date()}",
                   "right")  # fmt: skip
        else:
            b.line(f"{plot}: {s.written}، أمه {s.mother}، تولد {s.year}، تاريخ الوفاة {b.date()}", "right")
    b.line("تم الدفن وفق الأصول بعد التحقق من الأرقام المدونة على الأكياس.", "right")
    b.signs(["الحفار", b.official(("السيد",), role="other")], ["رئيس المكتب", b.official(("السيد",))])
    other, _other_l = b.facility(pools.HOSPITALS[:3])
    copy_to(b, [f"{other} للعلم"])
    return style
