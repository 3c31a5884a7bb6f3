"""The dev2 split's layout families: court verdicts and burial lists, written apart from the dev and
heldout families (their own column sets and orders, wording, phrasing of persons and boilerplate).

dev2 is tunable like dev, but fresh: tune on it, report heldout.
"""

from __future__ import annotations

from bench.heldout import pools
from bench.heldout.common import subject
from bench.heldout.model import Builder

ORDINALS = ("الأول", "الثاني", "الثالث", "الرابع", "الخامس")
SENTENCES = ("بالأشغال الشاقة المؤقتة مدة سبع سنوات", "بالاعتقال المؤقت مدة خمس سنوات",
             "بالحبس سنة واحدة", "بالأشغال الشاقة المؤبدة", "بالإعدام")  # fmt: skip


def verdict_dashed(b: Builder) -> str:
    """A criminal chamber's decision: the bench in one prose line, 'المتهمين: 1- ... 2- ...' in one
    sentence, 'وحيث أن المتهم ...' reasons, then 'حكمت المحكمة على ...' naming each defendant again."""
    r = b.rng
    style = r.choice(("one_sentence", "lines"))
    court, court_l = b.facility(pools.COURTS)
    b.line("باسم الشعب العربي السوري", "center", 1.1)
    b.line(f"{court} - الغرفة {r.choice(('الأولى', 'الثانية', 'الثالثة'))}", "center")
    b.line(f"قرار رقم {b.num(r.randint(10, 999))} أساس {b.num(r.randint(100, 4999))}/{b.num(2015)}", "right")
    pres = b.official(("القاضي",), role="judge", facility=court_l)
    m1 = b.official(("المستشار", "القاضي"), role="judge", facility=court_l)
    m2 = b.official(("المستشار", "القاضي"), role="judge", facility=court_l)
    b.line(f"الهيئة مؤلفة من السادة: {pres} رئيساً و{m1} و{m2} مستشارين", "right")
    prison, prison_l = b.facility(pools.PRISONS)
    subs = [subject(b, "defendant", prison_l, form=r.choice(("3", "bin", "ibn")), place=r.random() < 0.5)
            for _ in range(r.randint(2, 4))]  # fmt: skip
    items = []
    for i, s in enumerate(subs):
        item = f"{b.num(i + 1)}- {s.written} أمه {s.mother} تولد {s.place + ' ' if s.place else ''}{s.year}"
        items.append(item)
    if style == "one_sentence":
        b.line(
            "المتهمين: " + " ".join(items) + f" الموقوفين في {b.mention_facility(prison, prison_l)}", "right"
        )
    else:
        b.line(f"المتهمين الموقوفين في {b.mention_facility(prison, prison_l)}:", "right")
        for item in items:
            b.line(item, "right")
    b.line(
        f"الجرم: {r.choice(pools.CHARGES)} وفق المادة {b.num(r.randint(200, 399))} من قانون العقوبات", "right"
    )
    b.line(f"وحيث أن المتهم {subs[0].written} اعترف بما نسب إليه أمام قاضي التحقيق،", "right")
    b.line("وحيث أن الأدلة المتوفرة في الملف كافية للإدانة، ولم يرد ما ينقضها،", "right")
    for i, s in enumerate(subs):
        b.line(f"حكمت المحكمة على المتهم {ORDINALS[i]} {s.written} {r.choice(SENTENCES)}.", "right")
    b.line(f"حكماً وجاهياً صدر وأفهم علناً بتاريخ {b.date()}.", "right")
    b.signs(["المستشار", b.bare(m1)], ["المستشار", b.bare(m2)], ["رئيس الغرفة", b.bare(pres)])
    return style


def burial_bodies(b: Builder) -> str:
    """A cemetery's receipt of bodies: a table ordered body no., grave no., name and mother in one cell
    'name / mother', hospital; unknown bodies are 'مجهول الهوية' (no person); the keeper and the driver
    sign."""
    r = b.rng
    style = r.choice(("grid", "none"))
    cem, cem_l = b.facility(pools.CEMETERIES)
    hosp, hosp_l = b.facility(pools.HOSPITALS)
    b.line("الإدارة المحلية", "left")
    b.line(f"إدارة {b.mention_facility(cem, cem_l)}", "left")
    b.line(f"سجل استلام جثث من {b.mention_facility(hosp, hosp_l)}", "center", 1.1)
    b.line(f"وردت إلينا بتاريخ {b.date()} الجثث التالية وقد دفنت في القطاع "
           f"{r.choice(('أ', 'ب', 'ج', 'هـ'))}:", "right")  # fmt: skip
    header = ["الجثة رقم", "القبر رقم", "الاسم / الأم", "تاريخ الوفاة", "ملاحظة"]
    rows = []
    for _ in range(r.randint(4, 7)):
        body, grave = b.num(r.randint(1000, 9999)), b.num(r.randint(1, 1500))
        if r.random() < 0.25:
            rows.append([body, grave, "مجهول الهوية", b.date(), "لم يتعرف عليه أحد"])
            continue
        s = subject(b, "deceased", cem_l, form=r.choice(("3", "2")), birth=False, place=False)
        rows.append([body, grave, f"{s.written} / {s.mother}", b.date(),
                     r.choice(("", "سلمت الأمانات للأهل", "بدون أمانات", "بلا ذوي"))])  # fmt: skip
    b.table(header, rows, style)
    b.line("مجموع الجثث المستلمة: " + b.num(len(rows)), "right")
    b.signs(["السائق", b.official(("المجند",), role="other", facility=hosp_l)],
            ["حارس المقبرة", b.official(("السيد",), facility=cem_l)])  # fmt: skip
    return style


def verdict_reasons(b: Builder) -> str:
    """A verdict told as reasons: each defendant first met in 'وحيث أن المتهم ... والدته ...', the bench
    named only in the closing formula, the prosecutor's plea in between; 'حكمت المحكمة على ... و...'
    joins the defendants in one sentence."""
    r = b.rng
    style = r.choice(("joined", "each"))
    court, court_l = b.facility(pools.COURTS)
    b.line("الجمهورية العربية السورية", "right")
    b.line(f"{court}", "right")
    b.line(f"الدعوى رقم {b.num(r.randint(1, 999))} لسنة {b.num(r.randint(2012, 2019))}", "left")
    b.line("الحكم", "center", 1.2)
    prison, prison_l = b.facility(pools.PRISONS + pools.BRANCHES[:2])
    b.line(
        f"بعد الاطلاع على الإضبارة المحالة من {b.mention_facility(prison, prison_l)} وسماع المطالبة،", "right"
    )
    subs = []
    for k in range(r.randint(1, 3)):
        s = subject(b, "defendant", prison_l, form=r.choice(("3", "bin")), nid=r.random() < 0.35)
        lead = "وحيث أن المتهم" if k == 0 else "وحيث أن المتهم الآخر"
        text = f"{lead} {s.written} والدته {s.mother} المولود في {s.place} سنة {s.year}"
        if s.nid:
            text += f" (الرقم الوطني {s.nid})"
        text += f" قد أقدم على {r.choice(pools.CHARGES)}،"
        b.line(text, "right")
        subs.append(s)
    pros = b.official(("القاضي",), role="official", facility=court_l)
    b.line(f"وحيث أن ممثل النيابة {pros} طلب تطبيق أشد العقوبة،", "right")
    b.line("وحيث أن الدفاع لم يقدم ما يدحض ذلك،", "right")
    if style == "joined":
        names = " و".join(s.written for s in subs)
        fees = "وتضمينهم الرسوم" if len(subs) > 1 else "وتضمينه الرسوم"
        b.line(f"لذلك حكمت المحكمة على {names} {r.choice(SENTENCES)} {fees}.", "right")
    else:
        for s in subs:
            b.line(f"لذلك حكمت المحكمة على {s.written} {r.choice(SENTENCES)}.", "right")
    pres = b.official(("القاضي",), role="judge", facility=court_l)
    clerk = b.official(("السيد",), role="other", facility=court_l)
    b.line(f"صدر بتاريخ {b.date()} عن هيئة يرأسها {pres} وبحضور كاتب الضبط {clerk}.", "right")
    b.signs(["الكاتب", b.bare(clerk)], ["الرئيس", b.bare(pres)])
    return style


def burial_graves(b: Builder) -> str:
    """A graveyard keeper's register by grave: 'القبر رقم N: ...' lines, name, 'أمه فلانة', the body's
    number from the hospital; nameless bodies as 'مجهول الهوية'; a committee of three signs."""
    r = b.rng
    style = r.choice(("lines", "pairs"))
    cem, cem_l = b.facility(pools.CEMETERIES)
    hosp, hosp_l = b.facility(pools.HOSPITALS)
    b.line(f"دفتر القبور - {b.mention_facility(cem, cem_l)}", "center", 1.15)
    b.line(f"الصفحة {b.num(r.randint(2, 90))}   الشهر {b.num(r.randint(1, 12))}", "left")
    b.line(f"الجثث الواردة من {b.mention_facility(hosp, hosp_l)} والمدفونة خلال الشهر:", "right")
    rows = []
    for _ in range(r.randint(3, 6)):
        grave, body = b.num(r.randint(1, 2000)), b.num(r.randint(100, 9999))
        if r.random() < 0.2:
            b.line(f"القبر رقم {grave}: الجثة رقم {body} مجهول الهوية، وردت من "
                   f"{b.mention_facility(hosp, hosp_l)} بتاريخ {b.date()}", "right")  # fmt: skip
            continue
        s = subject(b, "deceased", cem_l, form="3", place=False, birth=r.random() < 0.5)
        born = f"، مواليد {s.year}" if s.year else ""
        if style == "lines":
            b.line(f"القبر رقم {grave}: {s.written} أمه {s.mother}{born}، الجثة رقم {body}، "
                   f"دفن بتاريخ {b.date()}", "right")  # fmt: skip
        else:
            rows.append([("القبر:", grave), ("المدفون:", s.written), ("والدته:", s.mother or "")])
            rows.append([("رقم الجثة:", body), ("تاريخ الدفن:", b.date()), ("الولادة:", s.year or "-")])
    if rows:
        b.pairs(rows)
    b.line("نشهد بأن الدفن تم وفق الأصول دون حضور أحد من ذوي المتوفين.", "right")
    b.signs(["عضو", b.official(("السيد",), role="witness")],
            ["عضو", b.official(("المساعد أول",), facility=hosp_l)],
            ["رئيس اللجنة", b.official(("الشيخ", "السيد"), facility=cem_l)])  # fmt: skip
    return style
