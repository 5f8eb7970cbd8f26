"""The studio's warmest active clients: who they are, their people, goals and our work."""

from __future__ import annotations

from keepwarm.demo.specs import Article, Ask, ClientSpec, Day, Fact, Goal, On, Person

MON, TUE, WED, THU, FRI, SAT = 0, 1, 2, 3, 4, 5

HARBOR = ClientSpec(
    key="harbor",
    name="Harbor Dental Care",
    short="Harbor Dental",
    status="active",
    industry="Dental practice",
    domain="harbordental.example",
    owner="maya",
    since_days=540,
    rhythm="close",
    response_hours=8,
    check_in_days=7,
    cadence="weekly",
    weekday=FRI,
    report_time="16:00",
    plain_target=65,
    annual_value=18000,
    referred_by="castle",
    no_change_days=21,
    no_change_note=(
        "We're still waiting for the emergency appointment fees from Priya; the emergency page "
        "goes live the day they arrive."
    ),
    notes=(
        "Three-chair practice on Quay Street. Lena reads the Friday update between patients "
        "and replies the same evening. Ray Castle fixed their boiler and told Lena about us."
    ),
    people=(
        Person(
            "Dr Lena Ortiz",
            "Practice owner and principal dentist",
            "lena",
            notes="In surgery 9-1 and 2-5:30. Calls before 8:45 or after 5:45.",
            facts=(
                Fact(
                    "family",
                    "Son Tyrone (15) plays in the county final on Saturday (under-16 hurling)",
                    on=On(weekday=SAT),
                    follow_up=On(2, weekday=SAT),
                    noted_days_ago=9,
                ),
                Fact("interest", "Sea swimmer: swims off the harbour wall all year round"),
            ),
            dates=(Day("birthday", "Birthday", 1979, 3, 14),),
        ),
        Person(
            "Priya Natarajan",
            "Practice manager",
            "priya",
            facts=(
                Fact(
                    "diet",
                    "Went vegan in September; Green Fig on Bridge Street is her choice for lunch",
                    noted_days_ago=70,
                ),
                Fact("milestone", "Passed her practice management diploma in October"),
            ),
            dates=(Day("birthday", "Birthday", 1988, in_days=4),),
        ),
        Person(
            "Sam Whitlock",
            "Reception lead",
            "sam",
            channel="phone",
            facts=(
                Fact("preference", "Rather have a quick call than an email for anything urgent"),
            ),
        ),
    ),
    goals=(
        Goal("Fill the new hygienist's diary: 40 online bookings a month", 1),
        Goal("Move the medical history form online before the spring inspection", 1),
        Goal("First page on search for 'emergency dentist' in town", 2),
        Goal("Refresh the team page with new photos", 3, "achieved"),
    ),
    topics=(
        "the online booking page",
        "the online medical history form",
        "the new hygienist's page",
        "the emergency appointments page",
    ),
    work=(
        "Online booking now shows the new hygienist's Tuesday and Thursday slots.",
        "Medical history form: all 32 questions in, with the consent wording Priya sent.",
        "Booking confirmation emails now include the note about parking behind the practice.",
        "Fixed the map on the contact page, which was cut off on phones.",
        "Added the Saturday emergency clinic to the opening hours and the Google profile.",
        "Booking page now loads in under 2 seconds on a phone (it was 4.5).",
        "Put up the winter whitening offer you asked for, ending 31 January.",
        "Tried the medical history form with two of Sam's colleagues and fixed the date of "
        "birth field they both tripped on.",
    ),
    articles=(
        Article(
            "How small practices cut no-shows with text reminders",
            "https://news.example.org/dental/no-show-text-reminders",
            "sending the reminder two days before rather than one",
        ),
        Article(
            "What patients look for on a dentist's website",
            "https://www.example.org/guides/dentist-website-survey",
            "prices shown up front, which most practices still hide",
        ),
    ),
    asks=(
        Ask(
            "Christmas opening hours",
            "Hi Maya,\n\nCould you put our Christmas hours on the site? Closed 25th to 27th, "
            "open 9 to 1 on the 28th and 29th.\n\nThanks,\nPriya",
            "Hi Priya,\n\nDone: the hours are on the contact page, and the booking page no "
            "longer offers those days. I've updated the Google profile too.\n\nMaya",
        ),
        Ask(
            "Patient says the booking page froze",
            "Hi,\n\nA patient rang to say the booking page froze on her iPad at the last step. "
            "Can you have a look?\n\nSam",
            "Hi Sam,\n\nThanks for flagging it. It was the date picker on older iPads. I've "
            "replaced it and tested on an iPad from 2017, so she can try again now. Sorry for "
            "the bother.\n\nMaya",
            problem=True,
        ),
        Ask(
            "Photo for the team page",
            "Hello,\n\nAttached is Hannah's photo for the team page. Could she go up this week?"
            "\n\nLena",
            "Hi Lena,\n\nHannah is on the team page now, with the short bio Priya wrote. "
            "Looks great.\n\nMaya",
        ),
    ),
)

NORTHGATE = ClientSpec(
    key="northgate",
    name="Northgate Home & Garden",
    short="Northgate",
    status="active",
    industry="Garden centres (7 stores)",
    domain="northgate.example",
    owner="maya",
    since_days=900,
    rhythm="close",
    response_hours=4,
    check_in_days=7,
    cadence="weekly",
    weekday=MON,
    report_time="09:00",
    plain_target=60,
    annual_value=72000,
    maintenance=True,
    notes=(
        "Regional chain of seven garden centres and by far our biggest client. Helen runs "
        "digital; Raj owns the online shop day to day. The Monday 9am update goes to their "
        "trading meeting at 10."
    ),
    people=(
        Person(
            "Helen Marsh",
            "Head of Digital",
            "helen",
            facts=(
                Fact("family", "Daughter Isla started at university in Leeds this autumn"),
                Fact(
                    "interest", "Cycles to the Eastgate store on a Brompton, whatever the weather"
                ),
            ),
            dates=(Day("birthday", "Birthday", 1975, in_days=5),),
        ),
        Person(
            "Raj Patel",
            "E-commerce manager",
            "raj",
            facts=(
                Fact(
                    "milestone",
                    "First baby due in February; paternity leave from mid-February",
                    on=On(84),
                    follow_up=On(98),
                    noted_days_ago=30,
                ),
            ),
            dates=(Day("birthday", "Birthday", 1990, in_days=0),),
        ),
        Person(
            "Owen Price",
            "IT manager",
            "owen",
            channel="phone",
            facts=(
                Fact("preference", "Wants change requests as a ticket in their Jira, not email"),
            ),
        ),
        Person(
            "Claire Dunmore",
            "Marketing lead",
            "claire",
            facts=(Fact("diet", "Coeliac: gluten-free food when we run a workshop"),),
            dates=(Day("birthday", "Birthday", 1983, 7, 22),),
        ),
    ),
    goals=(
        Goal("Click & collect live in all seven stores before the spring rush", 1),
        Goal("Checkout drop-off below 60%", 1),
        Goal("Plant-care guides as web pages instead of PDFs", 2),
        Goal("Loyalty card sign-up online", 3, "achieved"),
    ),
    topics=(
        "click & collect",
        "the checkout",
        "the plant-care guides",
        "the spring catalogue pages",
        "the store stock lookup",
    ),
    work=(
        "Click & collect: store picker and collection slots working on staging for the Eastgate "
        "and Riverside stores.",
        "Checkout is now one page instead of three; drop-off in staging tests fell from 71% "
        "to 64%.",
        "Moved 14 plant-care guides from PDF to web pages; the old links redirect.",
        "Stock lookup now reads the till system's feed every 15 minutes instead of nightly.",
        "Fixed VAT rounding on multi-buy offers (the 1p differences on the 3-for-2 bulbs).",
        "Christmas tree pre-order page is live: 212 orders in its first week.",
        "The local delivery postcode checker now covers the two new delivery zones.",
        "Added Apple Pay and Google Pay to the checkout.",
    ),
    articles=(
        Article(
            "Click & collect at independent garden centres: a case study",
            "https://retail.example.org/garden-centres/click-and-collect",
            "the stores that texted customers when the order was ready",
        ),
        Article(
            "One-page checkouts and basket abandonment: new research",
            "https://www.example.org/research/one-page-checkout",
            "guest checkout mattering more than the number of steps",
        ),
    ),
    asks=(
        Ask(
            "Delivery charge change",
            "Morning Maya,\n\nFrom the 1st of next month local delivery goes up to £6.95, free "
            "over £60. Can we get that in?\n\nRaj",
            "Hi Raj,\n\nIt's ready on staging with a start date of the 1st, so it switches over "
            "at midnight. The basket and delivery page wording are updated too.\n\nMaya",
        ),
        Ask(
            "Click & collect orders not printing at Riverside",
            "Hi,\n\nRiverside store says this morning's click & collect orders didn't print. "
            "Can you check?\n\nOwen",
            "Hi Owen,\n\nThe store printer's email address changed on your side last night. "
            "Orders are flowing again and I've re-sent this morning's six. I'm adding a check "
            "that warns us when a store stops receiving orders.\n\nMaya",
            problem=True,
        ),
        Ask(
            "Spring catalogue date",
            "Helen here: could the spring catalogue go live on the 15th rather than the 22nd? "
            "Marketing have brought the launch forward.",
            "Hi Helen,\n\nYes, the 15th works. I'll have it on staging by the 12th so Claire "
            "can check it.\n\nMaya",
        ),
    ),
)

FENWICK = ClientSpec(
    key="fenwick",
    name="Fenwick & Hale Solicitors",
    short="Fenwick & Hale",
    status="active",
    industry="Law firm",
    domain="fenwickhale.example",
    owner="maya",
    since_days=420,
    rhythm="warm",
    response_hours=24,
    check_in_days=14,
    cadence="monthly",
    weekday=TUE,
    report_time="10:00",
    plain_target=55,
    annual_value=14400,
    referred_by="harbor",
    notes=(
        "Eight solicitors on the high street: wills, conveyancing, family law. Lena at Harbor "
        "Dental introduced us. Alison signs off anything public; Gregory is our day-to-day "
        "contact. Careful wording matters to them."
    ),
    people=(
        Person(
            "Gregory Hale",
            "Partner",
            "greg",
            facts=(
                Fact(
                    "health",
                    "Knee operation on Tuesday; off for about two weeks afterwards",
                    on=On(weekday=TUE),
                    follow_up=On(7, weekday=TUE),
                    noted_days_ago=10,
                ),
                Fact("interest", "Plays cricket for the town's over-40s side (hence the knee)"),
            ),
            dates=(Day("birthday", "Birthday", 1970, 6, 2),),
        ),
        Person(
            "Alison Fenwick",
            "Senior partner",
            "alison",
            facts=(Fact("preference", "Likes a printed copy of anything she signs off"),),
            dates=(Day("event", "Firm's 30th anniversary dinner", 2026, in_days=40, yearly=False),),
        ),
        Person(
            "Dev Chauhan",
            "Office manager",
            "dev",
            facts=(Fact("family", "Twins Aarav and Anika started primary school in September"),),
            dates=(Day("birthday", "Birthday", 1986, 7, 2),),
        ),
    ),
    goals=(
        Goal("Site meets WCAG AA before the regulator's review", 1),
        Goal("Fewer calls asking for conveyancing quotes: an online quote form", 2),
        Goal("A plain-English guide for each service", 2),
    ),
    topics=(
        "the conveyancing quote form",
        "the accessibility fixes",
        "the plain-English service guides",
        "the solicitor profiles",
    ),
    work=(
        "Accessibility: fixed the colour contrast on every button and labelled every form field.",
        "Conveyancing quote form: first version, with stamp duty worked out as you type.",
        "Published the plain-English guide to making a will, approved by Alison.",
        "Solicitor profiles now show each person's areas of law and the languages they speak.",
        "Ran an accessibility check on every page: three issues left, all in old PDF downloads.",
    ),
    articles=(
        Article(
            "Plain English for law firms: what clients actually read",
            "https://www.example.org/legal/plain-english-clients",
            "the before-and-after of a conveyancing letter",
        ),
    ),
    asks=(
        Ask(
            "Complaints procedure page",
            "Hi Maya,\n\nWe need our complaints procedure on the site by the end of the month; "
            "the regulator asks for it. Text attached.\n\nDev",
            "Hi Dev,\n\nIt's live at /complaints, linked from the footer of every page. I've "
            "posted Alison a printed copy.\n\nMaya",
        ),
        Ask(
            "Typo on the family law page",
            "Greg here. 'Seperation' on the family law page: mortifying for a law firm. "
            "Can you fix it asap?",
            "Fixed, Greg. I also ran a spelling check over the whole site and corrected two "
            "more on the probate page.\n\nMaya",
            problem=True,
        ),
    ),
)

CRUMB = ClientSpec(
    key="crumb",
    name="Crumb & Co Bakery",
    short="Crumb & Co",
    status="active",
    industry="Bakery",
    domain="crumbandco.example",
    owner="tom",
    since_days=300,
    rhythm="warm",
    response_hours=24,
    check_in_days=14,
    cadence="fortnightly",
    weekday=THU,
    report_time="15:00",
    plain_target=75,
    annual_value=3600,
    calls_first=True,
    notes=(
        "Family bakery with a shop and a market stall. Marta bakes from 4am, so texts before "
        "11 work best. Small account, big heart: Marta sends people our way."
    ),
    people=(
        Person(
            "Marta Kowalski",
            "Owner and head baker",
            "marta",
            channel="text",
            facts=(
                Fact("interest", "Entering the regional sourdough championship in March"),
                Fact("preference", "Texts before 11am; she's baking from 4 and off by noon"),
            ),
            dates=(
                Day("birthday", "Birthday", 1984, in_days=3),
                Day("anniversary", "Wedding anniversary (Marta and Josh)", 2011, in_days=6),
            ),
        ),
        Person(
            "Josh Kowalski",
            "Deliveries and the books",
            "josh",
            facts=(
                Fact("family", "Coaches his daughter's under-9s football on Saturday mornings"),
            ),
        ),
    ),
    goals=(
        Goal("Take celebration-cake orders online, with a deposit", 1),
        Goal("Christmas pre-orders open by 1 November", 2, "achieved"),
        Goal("Show the daily bread list on the site", 3),
    ),
    topics=("the cake order form", "the Christmas pre-orders", "the daily bread list"),
    work=(
        "Cake order form now takes a 25% deposit by card and emails you the design notes.",
        "The daily bread list now updates from your morning text.",
        "Christmas pre-order page is live: 38 orders so far.",
        "Photos of the new celebration cakes are in the gallery.",
    ),
    articles=(
        Article(
            "How small bakeries sell out with pre-orders",
            "https://food.example.net/bakeries/pre-orders",
            "the Friday-night pre-order cut-off",
        ),
    ),
    asks=(
        Ask(
            "cake form dates",
            "Hi Tom someone ordered a cake for tomorrow but we need 3 days notice. can the form "
            "stop that? Marta",
            "Hi Marta,\n\nDone: the form now only offers dates three or more days ahead, and "
            "says why.\n\nTom",
        ),
        Ask(
            "Which deposits are paid?",
            "Tom, is there a way to see which cake deposits are paid? Josh",
            "Hi Josh,\n\nYes. From Monday you'll get a short email every week listing the cake "
            "orders and whether each deposit is paid.\n\nTom",
        ),
    ),
)

RIVERSIDE = ClientSpec(
    key="riverside",
    name="Riverside Community Food Bank",
    short="Riverside Food Bank",
    status="active",
    industry="Charity",
    domain="riversidefoodbank.example",
    owner="maya",
    since_days=700,
    rhythm="warm",
    response_hours=48,
    check_in_days=21,
    cadence="monthly",
    weekday=WED,
    report_time="11:00",
    plain_target=75,
    annual_value=1800,
    notes=(
        "Registered charity; we do their site at a heavily reduced rate. Bev runs it with "
        "about sixty volunteers and no paid staff, so nobody there has time to chase us."
    ),
    people=(
        Person(
            "Bev Adeyemi",
            "Coordinator",
            "bev",
            facts=(
                Fact("family", "First grandson, Kofi, born in October", noted_days_ago=40),
                Fact("milestone", "The food bank turns ten in the spring"),
            ),
            dates=(Day("birthday", "Birthday", 1962, in_days=20),),
        ),
        Person(
            "Tomasz Nowak",
            "Volunteer lead",
            "tomasz",
            channel="text",
            facts=(Fact("interest", "Runs the Saturday parkrun"),),
        ),
        Person(
            "Revd Ann Whitely",
            "Chair of trustees",
            "ann",
            facts=(Fact("preference", "Only needs to hear about money and anything public"),),
        ),
    ),
    goals=(
        Goal("Volunteers book their own shifts online", 1),
        Goal("A clear 'how to get a referral' page for people in need", 1, "achieved"),
        Goal("A donations page that takes Gift Aid", 2),
    ),
    topics=("the volunteer shift sign-up", "the donations page", "the referral guide"),
    work=(
        "Volunteer shift sign-up: 41 volunteers have accounts, and Saturdays are filled for the "
        "month.",
        "The donations page now asks about Gift Aid with one tick box.",
        "Added the winter coat appeal to the home page.",
        "The referral guide is now in Polish and Arabic, translated by volunteers.",
    ),
    asks=(
        Ask(
            "Shift reminders",
            "Hi Maya,\n\nCould the shift system text people the day before? We get a lot of "
            "no-shows on Saturdays.\n\nBev",
            "Hi Bev,\n\nYes: reminders now go out at 6pm the day before, by text when we have a "
            "mobile number and by email otherwise. Let's see if Saturdays improve.\n\nMaya",
        ),
    ),
)
