"""dev4 (tunable): fresh families for the field readers (dates, IDs, document type), written apart from
the other splits' families: police minutes with questions and answers, amnesty release lists, burial
permits, dispatch telegrams, daily movement registers and indictment decisions."""

from __future__ import annotations

from bench.heldout import pools
from bench.heldout.common import authorities, letterhead, subject
from bench.heldout.model import Builder


def minutes_qa(b: Builder) -> str:
    """Police minutes of an interrogation (ضبط / محضر تحقيق) in questions and answers."""
    r = b.rng
    style = r.choice(("dabt", "mahdar"))
    fac, fac_l = b.facility(pools.BRANCHES)
    letterhead(b, [*authorities(b, 2), b.mention_facility(fac, fac_l)])
    title = "ضبط استماع أقوال" if style == "dabt" else "محضر تحقيق"
    b.line(f"{title} رقم {b.ref()}", "center", 1.2)
    b.line(f"في تمام الساعة العاشرة من يوم {b.date()} وبناء على الإحالة الواردة إلينا نظمنا ما يلي:", "right")
    s = subject(b, "detainee", fac_l, form="3", nid=True)
    b.line(f"س: ما اسمك وهويتك؟ ج: {s.written}، والدتي {s.mother}، تولد {s.place} {s.year}.", "right")
    b.line(f"س: ما رقمك الوطني؟ ج: {s.nid}.", "right")
    b.line(f"س: متى أوقفت؟ ج: أوقفت بتاريخ {b.date()} على حاجز المدينة.", "right")
    b.line(f"س: ما قولك فيما نسب إليك من {r.choice(pools.CHARGES)}؟ ج: أنكر ذلك.", "right")
    b.line("تلي عليه ضبطه فصادق عليه ووقع معنا.", "right")
    b.signs(["المستجوَب", "بصمة"], ["منظم الضبط", b.official(("المساعد", "الرقيب أول"), facility=fac_l)])
    return style


def amnesty_list(b: Builder) -> str:
    """A list of detainees freed under an amnesty decree, numbered lines."""
    r = b.rng
    fac, fac_l = b.facility(pools.PRISONS)
    letterhead(b, [*authorities(b, 2), b.mention_facility(fac, fac_l)], right=False)
    b.line("جدول بأسماء الموقوفين المشمولين بمرسوم العفو العام", "center", 1.15)
    b.line(f"المرسوم التشريعي رقم {b.num(r.randint(1, 30))} تاريخ {b.date()}", "center")
    for k in range(r.randint(3, 5)):
        s = subject(b, "detainee", fac_l, form="3", nid=r.random() < 0.6, place=False)
        text = f"{b.num(k + 1)}- {s.written}، والدته {s.mother}، مواليد {s.year}"
        if s.nid:
            text += f"، الرقم الوطني {s.nid}"
        b.line(text + f"، أطلق سراحه في {b.date()}.", "right")
    b.line("يعاد إلينا هذا الجدول موقعاً بالاستلام.", "right")
    b.signs(["مدير السجن", b.official(("العميد", "العقيد"), facility=fac_l)])
    return "list"


def burial_permit(b: Builder) -> str:
    """A burial permit (إذن دفن) for one body, fields in two columns."""
    r = b.rng
    cem, cem_l = b.facility(pools.CEMETERIES)
    hosp, hosp_l = b.facility(pools.HOSPITALS)
    letterhead(b, ["وزارة الصحة", f"{b.mention_facility(hosp, hosp_l)} - الطبابة الشرعية"])
    b.line(f"إذن دفن رقم {b.ref()}", "center", 1.2)
    s = subject(b, "deceased", cem_l, form="3", nid=r.random() < 0.7)
    b.pairs([
        [("اسم المتوفى:", s.written), ("اسم الأم:", s.mother or "")],
        [("مكان وتاريخ الولادة:", f"{s.place} {s.year}"), ("الرقم الوطني:", s.nid or "-")],
        [("تاريخ الوفاة:", b.date()), ("مكان الدفن:", b.mention_facility(cem, cem_l))],
    ])  # fmt: skip
    b.line("يسمح بدفن الجثة المذكورة أعلاه أصولاً بعد إتمام الكشف عليها.", "right")
    b.signs(["الطبيب الشرعي", b.official(pools.DOCTOR_TITLES, facility=hosp_l)])
    return "permit"


def dispatch_cable(b: Builder) -> str:
    """A telegram ordering detainees driven (سوق) from one facility to another."""
    r = b.rng
    src, src_l = b.facility(pools.BRANCHES)
    dst, dst_l = b.facility(pools.PRISONS)
    letterhead(b, [*authorities(b, 2)])
    b.line(f"برقية رقم {b.ref()} تاريخ {b.date()}", "right", 1.1)
    b.line(f"من: {b.mention_facility(src, src_l)}    إلى: {b.mention_facility(dst, dst_l)}", "right")
    b.line("يساق إليكم تحت الحراسة الموقوفون الآتية أسماؤهم مع إضباراتهم:", "right")
    for _ in range(r.randint(2, 4)):
        s = subject(b, "detainee", dst_l, form="3", place=False, nid=r.random() < 0.5)
        extra = f" رقم وطني {s.nid}" if s.nid else ""
        b.line(f"- {s.written} / {s.mother} / {s.year}{extra}", "right")
    b.line("يرجى إعلامنا بوصولهم.", "right")
    b.signs(["رئيس الفرع", b.official(("العميد", "اللواء"), facility=src_l)])
    return "cable"


def daily_movement(b: Builder) -> str:
    """A daily movement register of a prison: who entered that day, as a table."""
    r = b.rng
    fac, fac_l = b.facility(pools.PRISONS)
    letterhead(b, [*authorities(b, 2), b.mention_facility(fac, fac_l)])
    b.line(f"دفتر الحركة اليومية للنزلاء - يوم {b.date()}", "center", 1.1)
    header = ["الرقم", "اسم النزيل", "الأم", "سنة الميلاد", "الرقم الوطني", "تاريخ الدخول"]
    rows = []
    for k in range(r.randint(4, 6)):
        s = subject(b, "detainee", fac_l, form="3", place=False, nid=r.random() < 0.6)
        rows.append([b.num(k + 1), s.written, s.mother or "", s.year or "", s.nid or "", b.date()])
    b.table(header, rows, r.choice(("grid", "rows")))
    b.signs(["ضابط المناوبة", b.official(("النقيب", "الملازم أول"), facility=fac_l)])
    return "movement"


def indictment(b: Builder) -> str:
    """An indictment decision (قرار اتهام) of a referral judge, in prose."""
    r = b.rng
    court, court_l = b.facility(pools.COURTS)
    letterhead(b, ["وزارة العدل", b.mention_facility(court, court_l)], right=False)
    b.line(
        f"قرار اتهام رقم أساس {b.num(r.randint(10, 900))} لعام {b.num(r.choice((2013, 2015, 2017)))}",
        "center",
    )
    s = subject(b, "defendant", court_l, form="3", nid=True)
    b.line(
        f"بعد التدقيق في أوراق القضية تبين أن المدعى عليه {s.written} والدته {s.mother} تولد {s.place} "
        f"{s.year} رقمه الوطني {s.nid} قد ارتكب جناية {r.choice(pools.CHARGES)} بتاريخ {b.date()}.",
        "right",
    )
    b.line("لذلك نقرر اتهامه بالجناية المذكورة وإحالته إلى محكمة الجنايات لمحاكمته عنها.", "right")
    b.line(f"قراراً صدر بتاريخ {b.date()}.", "right")
    b.signs(["قاضي الإحالة", b.official(pools.JUDGE_TITLES, role="judge", facility=court_l)])
    return "indictment"
