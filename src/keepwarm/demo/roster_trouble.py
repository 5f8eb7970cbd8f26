"""Active clients under strain: silence, neglect, an angry email, promises that slipped."""

from __future__ import annotations

from keepwarm.demo.specs import Ask, ClientSpec, Day, Fact, Goal, On, Person

TUE, WED, THU, FRI = 1, 2, 3, 4

CASTLE = ClientSpec(
    key="castle",
    name="Castle Plumbing & Heating",
    short="Castle Plumbing",
    status="active",
    industry="Plumbing and heating contractor",
    domain="castleplumbing.example",
    owner="maya",
    since_days=820,
    rhythm="cool",
    response_hours=12,
    check_in_days=14,
    plain_target=70,
    annual_value=4800,
    calls_first=True,
    stop_days=36,
    notes=(
        "Ray's firm: four vans, boilers and bathrooms. We built their booking site and look "
        "after it. Ray is how we got Harbor Dental (he fixed their boiler and told Lena about "
        "us), and through Harbor, Fenwick & Hale. He hates long emails: ring him."
    ),
    people=(
        Person(
            "Ray Castle",
            "Owner",
            "ray",
            channel="phone",
            facts=(
                Fact("interest", "Newcastle United season ticket: don't call during a match"),
                Fact("family", "Son Daniel joined the business as an apprentice this year"),
            ),
            dates=(Day("birthday", "Birthday", 1968, 8, 19),),
        ),
        Person(
            "Donna Castle",
            "Office and bookings",
            "donna",
            facts=(Fact("health", "Back at work after a hip replacement in the summer"),),
            dates=(Day("birthday", "Birthday", 1971, in_days=12),),
        ),
    ),
    goals=(
        Goal("More boiler-service bookings online, fewer phone calls", 1),
        Goal("An emergency call-out page that shows who's on call", 2),
    ),
    topics=("the booking form", "the boiler service reminders", "the recent jobs gallery"),
    work=(
        "Boiler service reminders now go out by text a year after each service.",
        "Booking form asks for the boiler make and model, so Ray's lads bring the right parts.",
    ),
    asks=(
        Ask(
            "Bookings coming through twice",
            "Hi, Donna here. Bookings are coming through twice. Can you check?",
            "Hi Donna,\n\nThe form was sending to both your old and new addresses. It's just "
            "the new one now.\n\nMaya",
            problem=True,
        ),
    ),
)

GREENWAY = ClientSpec(
    key="greenway",
    name="Greenway Physiotherapy",
    short="Greenway Physio",
    status="active",
    industry="Physiotherapy clinic",
    domain="greenwayphysio.example",
    owner="tom",
    since_days=480,
    rhythm="neglected",
    response_hours=24,
    check_in_days=21,
    cadence="monthly",
    weekday=TUE,
    report_time="10:00",
    plain_target=65,
    annual_value=9300,
    stop_days=31,
    notes=(
        "Two-room clinic, three physios, about 5% of our revenue. Nadia never chases, which "
        "makes them easy to let drift. The retainer covers the site and online booking."
    ),
    people=(
        Person(
            "Nadia Rahman",
            "Clinic owner",
            "nadia",
            facts=(
                Fact("interest", "Training for the Great North Run"),
                Fact("preference", "Email; she's with patients all day"),
            ),
            dates=(Day("birthday", "Birthday", 1987, 5, 9),),
        ),
        Person(
            "Leo Fischer",
            "Physiotherapist",
            "leo",
            facts=(Fact("interest", "Physio for the town rugby club on Saturdays"),),
        ),
    ),
    goals=(
        Goal("Sports massage bookable online", 1),
        Goal("Show each physio's specialties", 2),
    ),
    topics=("the sports massage booking", "the physio profiles", "the price list"),
    work=("Checked online booking after their system update.", "Renewed the domain."),
    asks=(
        Ask(
            "Leo's profile",
            "Hi Tom,\n\nCould Leo's profile mention the rugby club? Patients keep asking.\n\nNadia",
            "Hi Nadia,\n\nSorry for the slow reply. Done now.\n\nTom",
        ),
    ),
)

MEADOWBANK = ClientSpec(
    key="meadowbank",
    name="Meadowbank Veterinary Surgery",
    short="Meadowbank Vets",
    status="active",
    industry="Veterinary practice",
    domain="meadowbankvets.example",
    owner="tom",
    since_days=380,
    rhythm="warm",
    response_hours=4,
    check_in_days=10,
    cadence="weekly",
    weekday=FRI,
    report_time="15:00",
    plain_target=65,
    annual_value=12000,
    stop_days=12,
    updates_stop_days=28,
    notes=(
        "Small-animal practice: two vets and a busy reception. Online booking is how most new "
        "clients arrive, so a problem there hurts fast. Fiona expects a reply the same morning."
    ),
    people=(
        Person(
            "Fiona Marlowe",
            "Practice owner and vet",
            "fiona",
            facts=(Fact("interest", "Breeds Border collies; a litter is due in the new year"),),
            dates=(Day("birthday", "Birthday", 1977, 2, 2),),
        ),
        Person(
            "Carl Jennings",
            "Reception manager",
            "carl",
            channel="phone",
            facts=(Fact("milestone", "Ten years at the practice this month", noted_days_ago=20),),
        ),
        Person(
            "Aisha Begum",
            "Veterinary nurse",
            "aisha",
            facts=(Fact("interest", "Runs the practice's Instagram, mostly photos of patients"),),
            dates=(Day("birthday", "Birthday", 1995, 12, 12),),
        ),
    ),
    goals=(
        Goal("Online booking that confirms instantly, day or night", 1),
        Goal("A third fewer phone calls to reception", 2),
        Goal("Pet health plan sign-up online", 2, "achieved"),
    ),
    topics=("online booking", "the pet health plan sign-up", "the booking confirmation emails"),
    work=(
        "Pet health plan sign-up is live, with the monthly direct debit details.",
        "The booking page now shows the out-of-hours number at the top.",
        "Online booking asks new clients for their pet's details, so reception stops "
        "calling to ask.",
        "Moved booking confirmations to the new email service.",
    ),
    asks=(
        Ask(
            "Out-of-hours number",
            "Hi Tom,\n\nOur out-of-hours provider is changing next week. New number attached. "
            "It needs to be everywhere the old one is.\n\nCarl",
            "Hi Carl,\n\nAll seven places now show the new number, and the old one is gone "
            "from the site. I'll check Google shows it too.\n\nTom",
        ),
        Ask(
            "Vaccination reminder wording",
            "Tom, the reminder email says 'jab' which Fiona hates. Can it say 'vaccination'? Aisha",
            "Hi Aisha,\n\nChanged in the reminder and on the booking page. Sorry Fiona!\n\nTom",
        ),
    ),
)

OAKRIDGE = ClientSpec(
    key="oakridge",
    name="Oakridge Golf Club",
    short="Oakridge Golf",
    status="active",
    industry="Members' golf club",
    domain="oakridgegolf.example",
    owner="tom",
    since_days=150,
    rhythm="warming",
    response_hours=24,
    check_in_days=14,
    cadence="fortnightly",
    weekday=WED,
    report_time="10:00",
    plain_target=60,
    annual_value=7200,
    notes=(
        "New this summer: members' site and tee-time booking. The committee decides together "
        "once a month, so allow time for sign-off. Still winning them over after a late launch."
    ),
    people=(
        Person(
            "Graham Lister",
            "Club secretary",
            "graham",
            facts=(
                Fact("milestone", "Retiring as secretary next summer after 19 years"),
                Fact("preference", "Reads email once a day, around 7am"),
            ),
        ),
        Person(
            "Sheila Burns",
            "Membership manager",
            "sheila",
            dates=(Day("birthday", "Birthday", 1959, in_days=9),),
        ),
    ),
    goals=(
        Goal("Members book tee times online instead of phoning the pro shop", 1),
        Goal("A clear, modern membership page that attracts younger members", 2),
    ),
    topics=("tee-time booking", "the membership page", "the competition results page"),
    work=(
        "Tee-time booking: members can now book four weeks ahead, visitors two.",
        "Competition results now publish straight from the scoring system.",
        "New membership page with the under-30s rate up front.",
    ),
    asks=(
        Ask(
            "Booking for visitors",
            "Dear Tom,\n\nThe committee would like visitors to pay when they book. Is that "
            "possible before the Christmas competitions?\n\nRegards,\nGraham Lister",
            "Dear Graham,\n\nYes. I can have it ready to try by the 10th, so it's live well "
            "before the competitions. I'll send the committee a short how-it-works note.\n\nTom",
        ),
    ),
)

HILLCREST = ClientSpec(
    key="hillcrest",
    name="Hillcrest Care Home",
    short="Hillcrest",
    status="active",
    industry="Residential care home",
    domain="hillcrestcare.example",
    owner="maya",
    since_days=230,
    rhythm="warming",
    response_hours=12,
    check_in_days=14,
    cadence="fortnightly",
    weekday=THU,
    report_time="14:00",
    plain_target=75,
    annual_value=9600,
    maintenance=True,
    notes=(
        "Forty-bed care home. Families use the site to book visits and read the newsletter. "
        "Two promises slipped over the summer; we are earning back Margaret's confidence."
    ),
    people=(
        Person(
            "Margaret O'Neill",
            "Registered manager",
            "margaret",
            facts=(Fact("family", "Daughter's wedding in Dublin next month", on=On(30)),),
        ),
        Person(
            "Samuel Osei",
            "Activities coordinator",
            "samuel",
            facts=(Fact("interest", "Runs the residents' choir; they sing at the Christmas fair"),),
        ),
        Person(
            "Linda Carr",
            "Administrator",
            "linda",
            dates=(Day("birthday", "Birthday", 1966, 1, 17),),
        ),
    ),
    goals=(
        Goal("Families book visits online", 1, "achieved"),
        Goal("A monthly newsletter families actually open", 2),
        Goal("Clear visiting times, including bank holidays", 2),
    ),
    topics=("visit booking", "the family newsletter", "the visiting-times page"),
    work=(
        "Visit booking now limits each room to two visits an afternoon, as you asked.",
        "Family newsletter template with photos from Samuel's activities.",
    ),
    asks=(
        Ask(
            "Visit booking on bank holidays",
            "Hi Maya,\n\nFamilies can book visits on bank holidays but we're short-staffed "
            "then. Please switch those days off.\n\nLinda",
            "Hi Linda,\n\nBank holidays are off for booking now, with a note telling families to "
            "call instead.\n\nMaya",
        ),
    ),
)
