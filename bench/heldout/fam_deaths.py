"""Layout families: death reports (coroner, military hospital) and transfer letters."""

from __future__ import annotations

from bench.heldout import pools
from bench.heldout.common import authorities, cell_year, copy_to, letterhead, subject
from bench.heldout.model import Builder


def death_form(b: Builder) -> str:
    """One deceased in labelled fields under the 'identity shown below' formula; doctor and director sign."""
    r = b.rng
    style = r.choice(("colon", "dotted"))
    hosp, hosp_l = b.facility(pools.HOSPITALS)
    letterhead(b, ["إدارة الخدمات الطبية العسكرية", hosp])
    b.line("تقرير وفاة", "center", 1.2)
    b.line(f"رقم الجثة: {b.num(r.randint(1000, 9999))}/{r.choice(('ع', 'ط', 'م'))}", "right")
    b.line("توفي في المشفى المريض الموقوف المبينة هويته أدناه:", "right")
    sep = ":" if style == "colon" else " ....."
    s = subject(b, "deceased", hosp_l, form="3", nid=r.random() < 0.6)
    ref, ref_l = b.facility(pools.BRANCHES + pools.PRISONS[:2])
    fields = [
        ("الاسم الثلاثي", s.written),
        ("اسم الأم", s.mother or ""),
        ("محل وتاريخ الولادة", cell_year(b, s)),
    ]
    if s.nid:
        fields.append(("الرقم الوطني", s.nid))
    fields += [("الجهة المحيلة", b.mention_facility(ref, ref_l)), ("تاريخ الوفاة", b.date()),
               ("سبب الوفاة", r.choice(pools.CAUSES))]  # fmt: skip
    for label, value in fields:
        b.line(f"{label}{sep} {value}", "right")
    b.line("وقد تم حفظ الجثة في البراد لحين استلامها أصولاً.", "right")
    b.signs(
        ["الطبيب المعالج", b.official(pools.DOCTOR_TITLES, facility=hosp_l)],
        ["مدير المشفى", b.official(("العميد الطبيب", "اللواء الطبيب"), facility=hosp_l)],
    )
    return style


def death_table(b: Builder) -> str:
    """Several bodies in one table, sent from a branch to a hospital; a covering line and signature."""
    r = b.rng
    style = r.choice(("ruled", "open"))
    hosp, hosp_l = b.facility(pools.HOSPITALS)
    ref, ref_l = b.facility(pools.BRANCHES)
    letterhead(b, [*authorities(b, 2), b.mention_facility(hosp, hosp_l)], right=False)
    b.line(f"الرقم: {b.ref()}    التاريخ: {b.date()}", "right")
    b.line(f"جدول بأسماء المتوفين الواردة جثثهم من {b.mention_facility(ref, ref_l)}", "center", 1.05)
    header = ["رقم الجثة", "الاسم الثلاثي", "اسم الأم", "المواليد", "تاريخ الوفاة", "سبب الوفاة"]
    rows = []
    for _ in range(r.randint(3, 6)):
        s = subject(b, "deceased", hosp_l, form="3", place=r.random() < 0.5)
        rows.append([f"{b.num(r.randint(100, 9999))}", s.written, s.mother or "", cell_year(b, s), b.date(),
                     r.choice(pools.CAUSES)])  # fmt: skip
    b.table(header, rows, "grid" if style == "ruled" else "rows")
    b.line("نرجو الاطلاع واتخاذ ما يلزم بشأن تسليم الجثث إلى ذويها.", "right")
    b.signs(["الطبيب الشرعي", b.official(("الدكتور",), facility=hosp_l)])
    return style


def death_prose(b: Builder) -> str:
    """A coroner's minutes in running prose, one or more bodies, the doctor named in the text."""
    r = b.rng
    style = r.choice(("single", "several"))
    hosp, hosp_l = b.facility(pools.HOSPITALS)
    city, city_l = r.choice((("دمشق", "Damascus"), ("ريف دمشق", "Rif Dimashq"), ("حمص", "Homs")))
    b.places.append((city, city_l))
    letterhead(b, ["وزارة العدل", f"الطبابة الشرعية في {city}"])
    b.line(f"ضبط كشف على جثة رقم {b.ref()}", "center", 1.1)
    doctor = b.official(("الدكتور", "الطبيب الشرعي الدكتور"), facility=hosp_l)
    b.line(f"بتاريخ {b.date()} حضرنا نحن {doctor} إلى براد {b.mention_facility(hosp, hosp_l)} "
           "بناءً على تكليف النيابة العامة العسكرية،", "right")  # fmt: skip
    for i in range(1 if style == "single" else r.randint(2, 3)):
        s = subject(b, "deceased", hosp_l, form=r.choice(("3", "bin")), nid=r.random() < 0.3)
        lead = "وعاينا جثة المدعو" if i == 0 else "كما عاينا جثة المدعو"
        text = f"{lead} {s.written} والدته {s.mother} تولد {s.place} {s.year}"
        if s.nid:
            text += f" الرقم الوطني {s.nid}"
        text += f" المتوفى بتاريخ {b.date()}، وتبين أن الوفاة ناجمة عن {r.choice(pools.CAUSES)}."
        b.line(text, "right")
    b.line("ولم نشاهد على الجثة آثار عنف ظاهرة. وعليه نظم هذا الضبط وتلي وتوقع أصولاً.", "right")
    witness = b.official(("المساعد أول", "الرقيب أول"), role="witness")
    b.signs(["الشاهد", witness], ["الطبيب الشرعي", b.bare(doctor)])
    return style


def transfer_letter(b: Builder) -> str:
    """A letter: letterhead of the sending branch, reference, date, addressee, body, table, requests."""
    r = b.rng
    style = r.choice(("formal", "brief"))
    src, src_l = b.facility(pools.BRANCHES)
    dst, dst_l = b.facility(pools.PRISONS + pools.BRANCHES[:3])
    letterhead(b, [*authorities(b, 2), b.mention_facility(src, src_l)])
    b.line(f"الرقم: {b.ref()}", "left")
    b.line(f"التاريخ: {b.date()}", "left")
    b.line(f"إلى السيد مدير {b.mention_facility(dst, dst_l)}", "center", 1.05)
    b.line("الموضوع: نقل موقوفين", "center")
    body = ("نرسل إليكم الموقوفين المذكورة أسماؤهم أدناه مع أماناتهم وإضباراتهم للتوقيف لديكم"
            if style == "formal" else "نرسل إليكم الموقوفين المذكورة أسماؤهم أدناه:")  # fmt: skip
    b.line(body, "right")
    header = ["الرقم", "الاسم", "اسم الأم", "التولد", "الرقم الوطني"]
    rows = []
    for i in range(r.randint(3, 7)):
        s = subject(b, "detainee", dst_l, form="3", nid=True)
        rows.append([b.num(i + 1), s.written, s.mother or "", cell_year(b, s), s.nid or ""])
    b.table(header, rows, "grid")
    b.line("يرجى الإعلام بالاستلام.", "right")
    b.signs([f"رئيس {b.mention_facility(src, src_l)}", b.official(("العميد", "اللواء"), facility=src_l)])
    copy_to(b, ["مكتب الأمن الوطني للاطلاع", "الإضبارة"])
    return style


def transfer_numbered(b: Builder) -> str:
    """A list of persons moved from one facility to another, numbered lines, escort officer named."""
    r = b.rng
    style = r.choice(("labelled", "terse"))
    src, src_l = b.facility(pools.PRISONS + pools.BRANCHES)
    dst, dst_l = b.facility(pools.PRISONS[:3] + pools.HOSPITALS[:2])
    b.register_facility("الشرطة العسكرية", "Military Police, Qaboun")
    letterhead(b, ["وزارة الدفاع", "إدارة الشرطة العسكرية"], right=False)
    b.line(f"قائمة بأسماء الموقوفين المرحلين من {b.mention_facility(src, src_l)} إلى "
           f"{b.mention_facility(dst, dst_l)}", "center", 1.05)  # fmt: skip
    b.line(f"تاريخ الترحيل: {b.date()}", "center")
    for i in range(r.randint(3, 7)):
        s = subject(b, "detainee", dst_l, form="3", place=style == "labelled")
        if style == "labelled":
            b.line(
                f"{b.num(i + 1)}. الموقوف {s.written} - والدته {s.mother} - تولد {s.place} {s.year}", "right"
            )
        else:
            b.line(f"{b.num(i + 1)}. {s.written} ({s.mother}) {s.year}", "right")
    escort = b.official(("الملازم أول", "الملازم", "النقيب"), facility=src_l)
    b.line(f"تم التسليم بمرافقة دورية بإمرة {escort}.", "right")
    b.signs(["المسلم", b.bare(escort)], ["المستلم", b.official(("المساعد", "المساعد أول"), facility=dst_l)])
    return style


def transfer_memo(b: Builder) -> str:
    """A memo in running prose: each person in a sentence with source and destination; copy-to lines."""
    r = b.rng
    style = r.choice(("telegram", "memo"))
    auth = authorities(b, 3)
    letterhead(b, auth[1:] if style == "telegram" else auth, right=False)
    b.line("برقية" if style == "telegram" else "مذكرة داخلية", "center", 1.2)
    b.line(f"رقم الصادر {b.ref()} تاريخ {b.date()}", "right")
    src, src_l = b.facility(pools.BRANCHES)
    dst, dst_l = b.facility(pools.PRISONS[:3])
    b.line(f"من رئيس {b.mention_facility(src, src_l)} إلى مدير {b.mention_facility(dst, dst_l)}", "right")
    b.line("بناءً على موافقة الجهات المختصة تقرر ما يلي:", "right")
    for _ in range(r.randint(2, 4)):
        s = subject(b, "detainee", dst_l, form=r.choice(("3", "2")), nid=r.random() < 0.4)
        text = f"نقل الموقوف {s.written} (والدته {s.mother}، مواليد {s.place} {s.year}"
        text += f"، رقم وطني {s.nid})" if s.nid else ")"
        text += (
            f" من {b.mention_facility(src, src_l)} إلى {b.mention_facility(dst, dst_l)} بتاريخ {b.date()}."
        )
        b.line(text, "right")
    b.line("يرجى الإعلام بالاستلام وإعادة نسخة موقعة أصولاً.", "right")
    b.signs([b.official(("العقيد", "العميد", "المقدم"), facility=src_l)])
    copy_to(b, ["مكتب الأمن الوطني", "شعبة التنظيم والإدارة"])
    return style
