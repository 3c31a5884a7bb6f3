"""Hand-made pools for the held-out record generator: names, ranks, places, facilities, charges.

Written for this set alone (not derived from ``tests/synth_data.py``). Every person is fictional: names are
drawn independently per part, so any full name is a random combination. Places and facilities are real
(GeoNames names; facilities from public human-rights reporting, see /work/shared/reference).
"""

from __future__ import annotations

# Given names, men: common Syrian ones, compounds kept whole, a few rarer ones.
MEN = (
    "محمد", "أحمد", "محمود", "مصطفى", "علي", "عمر", "خالد", "حسن", "حسين", "إبراهيم", "يوسف", "عيسى",
    "موسى", "سليمان", "داود", "يحيى", "زكريا", "إسماعيل", "بلال", "أنس", "معاذ", "حذيفة", "أسامة",
    "عمار", "ياسر", "قاسم", "نضال", "وسيم", "رامي", "فادي", "شادي", "باسل", "مازن", "ماهر", "نزار",
    "هشام", "وليد", "منذر", "مهند", "أيمن", "أكرم", "بشير", "نذير", "جهاد", "رياض", "فراس", "لؤي",
    "مؤيد", "غياث", "صهيب", "عروة", "قتيبة", "مجد", "كنان", "أيهم", "حازم", "عدنان", "عصام", "فواز",
    "نبيل", "رضوان", "سهيل", "تيسير", "صبحي", "فايز", "ممدوح", "مروان", "عبد الرحمن", "عبد الله",
    "عبد الكريم", "عبد الرزاق", "عبد الحميد", "عبد الغني", "عبد السلام", "عبد اللطيف", "عبد الناصر",
    "عبد المجيد", "عبد الهادي", "عبد الباسط", "محمد خير", "نور الدين", "صلاح الدين", "عز الدين",
    "بهاء الدين", "أبو بكر", "مصعب", "حمدي", "زهير", "طلال", "عبادة", "يمان", "أويس", "دريد", "مالك",
)  # fmt: skip

WOMEN = (
    "فاطمة", "عائشة", "خديجة", "مريم", "زينب", "آمنة", "حليمة", "رقية", "سعاد", "نجاح", "وفاء", "هدى",
    "سميرة", "سلمى", "ليلى", "نادية", "منيرة", "فوزية", "بديعة", "نعيمة", "رجاء", "صباح", "حياة",
    "عفاف", "ابتسام", "إنعام", "غادة", "رنا", "لمى", "ديمة", "هيفاء", "نسرين", "ميساء", "بشرى", "تغريد",
    "جميلة", "وداد", "سهيلة", "نوال", "انتصار", "ياسمين", "أسماء", "كوثر", "حنان", "فدوى", "روعة",
    "رحاب", "منى", "عبلة", "ثريا", "نهاد", "زكية", "مفيدة", "لطيفة", "خلود", "أمل", "نزيهة", "حسنا",
)  # fmt: skip

# Family names: with the article, nisbas, bare forms, compounds; some rare ones.
FAMILIES = (
    "الأحمد", "العلي", "الحسن", "المحمد", "الخليل", "العمر", "الحمود", "السليمان", "الإبراهيم",
    "الشيخ", "الحلبي", "الدمشقي", "الحوراني", "الإدلبي", "الديري", "الرقاوي", "الساحلي", "الجولاني",
    "الطرطوسي", "القلموني", "الكردي", "التركماني", "الشامي", "النابلسي", "المصري", "البغدادي",
    "الحريري", "المقداد", "الزعبي", "الجاسم", "العبود", "الخضر", "النجار", "الحداد", "الخياط",
    "الصباغ", "العطار", "الدباغ", "السمان", "الفحام", "الحكيم", "القاضي", "المفتي", "الكيلاني",
    "العظمة", "البيطار", "القباني", "الطباع", "الشربجي", "الحصري", "الملا", "السيد", "الأسعد",
    "حمادة", "قطان", "دياب", "شعبان", "رمضان", "عثمان", "سلامة", "زيدان", "عيسى", "مرعي", "بكور",
    "حاج علي", "أبو زيد", "أبو شقرة", "عبد الواحد", "قره محمد", "كوسا", "طعمة", "خربوطلي", "جبارة",
    "الرفاعي", "الحمصي", "الحموي", "المعرّاوي", "السراقبي", "التدمري", "البوكمالي", "الزبداني",
)  # fmt: skip

# Ranks and titles as written before an official's name.
MILITARY_RANKS = ("العميد", "العقيد", "المقدم", "الرائد", "النقيب", "الملازم أول", "الملازم", "المساعد أول",
                  "المساعد", "الرقيب أول")  # fmt: skip
SENIOR_RANKS = ("اللواء", "العميد", "العقيد")
JUDGE_TITLES = ("القاضي", "المستشار")
DOCTOR_TITLES = ("الدكتور", "الطبيب")

# (Arabic as written, Latin name as in the gazetteer)
PLACES = (
    ("دمشق", "Damascus"), ("حلب", "Aleppo"), ("حمص", "Homs"), ("حماة", "Hama"), ("اللاذقية", "Latakia"),
    ("طرطوس", "Tartus"), ("إدلب", "Idlib"), ("الرقة", "Raqqa"), ("دير الزور", "Deir ez-Zor"),
    ("الحسكة", "Hasakah"), ("درعا", "Daraa"), ("السويداء", "Suwayda"), ("القنيطرة", "Quneitra"),
    ("دوما", "Douma"), ("داريا", "Darayya"), ("حرستا", "Harasta"), ("التل", "At Tall"), ("يبرود", "Yabrud"),
    ("الزبداني", "Az Zabadani"), ("تلكلخ", "Tall Kalakh"), ("الرستن", "Ar Rastan"), ("تلبيسة", "Talbisah"),
    ("سلمية", "Salamiyah"), ("معرة النعمان", "Ma`arrat an Nu`man"), ("سراقب", "Saraqib"),
    ("جسر الشغور", "Jisr ash Shughur"), ("منبج", "Manbij"), ("الباب", "Al Bab"), ("عفرين", "Afrin"),
    ("القامشلي", "Al Qamishli"), ("البوكمال", "Abu Kamal"), ("الميادين", "Al Mayadin"), ("بانياس", "Baniyas"),
    ("جبلة", "Jableh"), ("نوى", "Nawa"), ("إنخل", "Inkhil"), ("الصنمين", "As Sanamayn"), ("قطنا", "Qatana"),
    ("عربين", "Irbin"), ("زملكا", "unlisted:Zamalka"), ("الكسوة", "Al Kiswah"), ("النبك", "An Nabk"),
)  # fmt: skip

# Facilities: (Arabic as written, Latin key, kind). Latin keys of gazetteer entries use the gazetteer's
# name; the ones marked "unlisted:" are real kinds of places the gazetteer does not hold (yet).
PRISONS = (
    ("سجن صيدنايا العسكري", "Saydnaya Military Prison", "prison"),
    ("سجن عدرا المركزي", "Adra Central Prison", "prison"),
    ("سجن تدمر العسكري", "Tadmur Military Prison", "prison"),
    ("سجن حمص المركزي", "unlisted:Homs Central Prison", "prison"),
    ("سجن حلب المركزي", "unlisted:Aleppo Central Prison", "prison"),
)
BRANCHES = (
    ("الفرع 215", "Branch 215", "branch"), ("الفرع 227", "Branch 227", "branch"),
    ("فرع فلسطين", "Branch 235", "branch"), ("الفرع 248", "Branch 248", "branch"),
    ("فرع الخطيب", "Branch 251", "branch"), ("الفرع 291", "Branch 291", "branch"),
    ("الفرع 285", "Branch 285", "branch"), ("فرع المنطقة", "Branch 227", "branch"),
    ("الشرطة العسكرية في القابون", "Military Police, Qaboun", "police"),
)  # fmt: skip
HOSPITALS = (
    ("مشفى تشرين العسكري", "Tishreen Military Hospital", "hospital"),
    ("مشفى المزة العسكري 601", "Military Hospital 601", "hospital"),
    ("مشفى حرستا العسكري", "Harasta Military Hospital", "hospital"),
    ("مشفى حمص العسكري", "unlisted:Homs Military Hospital", "hospital"),
)
COURTS = (
    ("محكمة الميدان العسكرية", "Military Field Court", "court"),
    ("محكمة قضايا الإرهاب", "Counter-Terrorism Court", "court"),
)
CEMETERIES = (
    ("مقبرة نجها", "unlisted:Najha Cemetery", "cemetery"),
    ("مقبرة القطيفة", "unlisted:Qutayfah Cemetery", "cemetery"),
    ("مقبرة باب الصغير", "unlisted:Bab al-Saghir Cemetery", "cemetery"),
)

# Bodies that sign letters without being the facility the persons are in (letterhead material).
AUTHORITIES = (
    "الجمهورية العربية السورية", "وزارة الدفاع", "وزارة الداخلية", "شعبة المخابرات العسكرية",
    "إدارة المخابرات الجوية", "إدارة الأمن السياسي", "القيادة العامة للجيش والقوات المسلحة",
    "إدارة الخدمات الطبية العسكرية", "وزارة العدل", "الإدارة العامة للسجون",
)  # fmt: skip

CHARGES = (
    "النيل من هيبة الدولة", "تمويل الإرهاب", "الانتماء إلى جماعة مسلحة", "إضعاف الشعور القومي",
    "التظاهر دون ترخيص", "حيازة أسلحة دون ترخيص", "الفرار من الخدمة العسكرية", "إثارة النعرات الطائفية",
    "التواصل مع جهات معادية", "تهريب مواد طبية",
)  # fmt: skip
CAUSES = (
    "توقف القلب والتنفس", "قصور كلوي حاد", "جلطة دماغية", "نزيف داخلي", "قصور تنفسي حاد",
    "ذات رئة حادة", "هبوط ضغط حاد", "احتشاء عضلة القلب",
)  # fmt: skip
OCCUPATIONS = ("طالب", "عامل", "مدرس", "مزارع", "سائق", "طبيب", "مهندس", "نجار", "موظف", "تاجر", "حلاق")
