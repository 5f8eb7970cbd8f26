"""More of the studio's active clients: the middle of the book, large and small."""

from __future__ import annotations

from keepwarm.demo.specs import Article, Ask, ClientSpec, Day, Fact, Goal, On, Person

MON, TUE, THU, FRI = 0, 1, 3, 4

SALTMARSH = ClientSpec(
    key="saltmarsh",
    name="Saltmarsh Brewing Co",
    short="Saltmarsh Brewing",
    status="active",
    industry="Craft brewery and taproom",
    domain="saltmarshbrewing.example",
    owner="maya",
    since_days=610,
    rhythm="close",
    response_hours=12,
    check_in_days=10,
    cadence="weekly",
    weekday=THU,
    report_time="16:30",
    plain_target=70,
    annual_value=16800,
    maintenance=True,
    notes=(
        "Brewery with a taproom on the old fish quay. Online shop, trade orders and taproom "
        "events all run through the site. Ellie decides, Marcus writes the beer copy."
    ),
    people=(
        Person(
            "Ellie Brennan",
            "Co-founder",
            "ellie",
            facts=(
                Fact(
                    "interest",
                    "Plays bass in a covers band; next gig at the Anchor in a fortnight",
                    on=On(15),
                ),
            ),
            dates=(Day("anniversary", "Taproom opening anniversary", 2019, 6, 5),),
        ),
        Person(
            "Marcus Webb",
            "Head brewer",
            "marcus",
            channel="text",
            facts=(
                Fact(
                    "health",
                    "Broke his wrist cycling; typing one-handed for a few weeks",
                    follow_up=On(10),
                    noted_days_ago=12,
                ),
            ),
        ),
        Person(
            "Jade Thornton",
            "Taproom manager",
            "jade",
            facts=(Fact("family", "Getting married in June"),),
            dates=(Day("event", "Jade's wedding", 2027, in_days=200, yearly=False),),
        ),
    ),
    goals=(
        Goal("Online shop orders up 30% this year", 1),
        Goal("Taproom event tickets sold online", 2, "achieved"),
        Goal("An age check that doesn't annoy people", 2),
    ),
    topics=("the online shop", "the events page", "the age check", "the trade price list"),
    work=(
        "The events page now sells tickets for quiz nights and tap takeovers.",
        "Online shop: mixed cases now build themselves from any 12 cans.",
        "Trade customers can sign in to see their own price list.",
        "Launch page for the winter stout, with Marcus's tasting notes.",
        "Age check cut to one date-of-birth question; people leaving the home page down from "
        "38% to 22%.",
    ),
    articles=(
        Article(
            "Selling beer online after the pandemic boom",
            "https://trade.example.net/brewing/direct-sales",
            "subscriptions keeping small breweries steady through winter",
        ),
        Article(
            "Taproom events that pay for themselves",
            "https://www.example.org/hospitality/taproom-events",
            "selling tickets with a drink included",
        ),
    ),
    asks=(
        Ask(
            "Stout photos",
            "Hi Maya, new photos of the stout in the shared folder. Can the launch page use the "
            "dark one? Ellie",
            "Hi Ellie,\n\nDone, and it looks moody in the best way. The launch page is ready "
            "for Thursday.\n\nMaya",
        ),
        Ask(
            "Trade login not working",
            "Morning, The Crown says their trade login isn't working. Jade",
            "Hi Jade,\n\nTheir account had been switched off by mistake during the price "
            "update. It's back on and I've checked the other 23 trade accounts.\n\nMaya",
            problem=True,
        ),
    ),
)

ACORNS = ClientSpec(
    key="acorns",
    name="Little Acorns Nursery",
    short="Little Acorns",
    status="active",
    industry="Childcare nursery",
    domain="littleacorns.example",
    owner="tom",
    since_days=260,
    rhythm="warm",
    response_hours=24,
    check_in_days=21,
    cadence="monthly",
    weekday=MON,
    report_time="10:00",
    plain_target=80,
    annual_value=2400,
    notes="Nursery for 48 children. Parents find them through the site; the waiting list is "
    "everything to them.",
    people=(
        Person(
            "Joanne Firth",
            "Nursery manager",
            "jo",
            facts=(
                Fact("family", "Her mum moved in over the summer; Jo works from home on Fridays"),
            ),
            dates=(Day("birthday", "Birthday", 1981, 9, 27),),
        ),
        Person("Ben Achterberg", "Deputy manager", "ben"),
    ),
    goals=(
        Goal("Parents join the waiting list online", 1, "achieved"),
        Goal("The inspection report and policies easy to find", 2),
    ),
    topics=("the waiting list form", "the policies page", "the room photos"),
    work=(
        "Waiting list form now asks for the preferred start month.",
        "Policies page: all 17 policies as one searchable list.",
    ),
    asks=(
        Ask(
            "Inspection report",
            "Hi Tom, our new inspection report came through (Good!). Can it go on the home page?"
            " Jo",
            "Congratulations! It's on the home page and the policies page now.\n\nTom",
        ),
    ),
)

BRAMLEY = ClientSpec(
    key="bramley",
    name="Bramley Electrical",
    short="Bramley Electrical",
    status="active",
    industry="Electrical contractor",
    domain="bramleyelectrical.example",
    owner="tom",
    since_days=1000,
    rhythm="quiet",
    response_hours=48,
    check_in_days=45,
    plain_target=70,
    annual_value=1200,
    maintenance=True,
    calls_first=True,
    notes=(
        "Hosting and a small maintenance plan. Pete wants to hear from us when something needs "
        "doing and otherwise be left alone; a call every six weeks suits him."
    ),
    people=(
        Person(
            "Pete Bramley",
            "Owner",
            "pete",
            channel="phone",
            facts=(Fact("interest", "Restoring a 1972 Land Rover"),),
        ),
        Person("Sue Holloway", "Office manager", "sue"),
    ),
    goals=(Goal("Keep the site up and secure, no fuss", 1),),
    topics=("the site's hosting", "the contact form"),
    asks=(
        Ask(
            "Invoice",
            "Hi, can you resend the last invoice, I can't find it. Sue",
            "Hi Sue,\n\nAttached again. Paid in full last month, so nothing owing.\n\nTom",
        ),
    ),
)

AMELIA = ClientSpec(
    key="amelia",
    name="Amelia Stone",
    short="Amelia Stone",
    kind="individual",
    status="active",
    industry="Executive coach",
    domain="ameliastone.example",
    owner="maya",
    since_days=200,
    rhythm="warm",
    response_hours=24,
    check_in_days=14,
    cadence="fortnightly",
    weekday=TUE,
    report_time="09:30",
    plain_target=70,
    annual_value=3000,
    notes="Coach to small-business owners. Her book comes out in March and the site has to "
    "sell it.",
    people=(
        Person(
            "Amelia Stone",
            "Executive coach",
            "amelia",
            facts=(
                Fact(
                    "milestone", "Her first book, 'Quiet Confidence', is out in March", on=On(100)
                ),
                Fact("interest", "Walks a stretch of the coast path every Sunday"),
            ),
            dates=(Day("birthday", "Birthday", 1972, 10, 30),),
        ),
        Person("Zoe Clarke", "Assistant", "zoe"),
    ),
    goals=(
        Goal("Book pre-orders from the site", 1),
        Goal("Discovery calls booked without email ping-pong", 2, "achieved"),
    ),
    topics=("the book page", "the discovery-call booking", "the newsletter sign-up"),
    work=(
        "Book page drafted, with the cover and the first chapter as a sample.",
        "Discovery calls now book straight into your calendar.",
        "Newsletter sign-up offers the first chapter free.",
    ),
    articles=(
        Article(
            "Launching a first book from your own website",
            "https://books.example.net/authors/launch-from-your-site",
            "collecting pre-order emails months ahead",
        ),
    ),
    asks=(
        Ask(
            "Testimonials",
            "Hi Maya,\n\nThree new testimonials for the home page, attached. Could they go up "
            "this week?\n\nAmelia",
            "Hi Amelia,\n\nAll three are up, and I moved them above the fold. Lovely words.\n\n"
            "Maya",
        ),
    ),
)

JONAH = ClientSpec(
    key="jonah",
    name="Jonah Whitaker",
    short="Jonah Whitaker",
    kind="individual",
    status="active",
    industry="Wedding photographer",
    domain="jonahwhitaker.example",
    owner="tom",
    since_days=120,
    rhythm="warming",
    response_hours=48,
    check_in_days=21,
    plain_target=75,
    annual_value=1500,
    calls_first=True,
    notes="Wedding photographer; new site in the autumn. Never call on a Saturday.",
    people=(
        Person(
            "Jonah Whitaker",
            "Photographer",
            "jonah",
            channel="text",
            facts=(
                Fact("preference", "Shoots weddings every Saturday; never call at weekends"),
                Fact("family", "Partner Sofia is expecting their first in the spring"),
            ),
        ),
    ),
    goals=(Goal("Enquiries with the date and venue filled in, so he can quote fast", 1),),
    topics=("the enquiry form", "the gallery pages"),
    work=("Enquiry form now asks for the date, venue and guest numbers.",),
    asks=(
        Ask(
            "Gallery too slow",
            "hey Tom the gallery takes ages to load on my phone. can we fix? J",
            "Hi Jonah,\n\nThe photos were full size (8 MB each). They now shrink for phones; "
            "the gallery loads in about 2 seconds.\n\nTom",
            problem=True,
        ),
    ),
)

KESTREL = ClientSpec(
    key="kestrel",
    name="Kestrel Cycles",
    short="Kestrel Cycles",
    status="active",
    industry="Bike shop and repairs",
    domain="kestrelcycles.example",
    owner="tom",
    since_days=340,
    rhythm="warm",
    response_hours=24,
    check_in_days=14,
    cadence="monthly",
    weekday=FRI,
    report_time="12:00",
    plain_target=70,
    annual_value=5400,
    notes="Bike shop with a busy workshop. Repairs booked online are most of their work "
    "from March to September.",
    people=(
        Person(
            "Dan Okoro",
            "Owner",
            "dan",
            facts=(Fact("interest", "Races cyclo-cross most Sundays in the season"),),
        ),
        Person(
            "Mia Lund",
            "Workshop manager",
            "mia",
            dates=(Day("birthday", "Birthday", 1993, in_days=2),),
        ),
    ),
    goals=(
        Goal("Workshop bookings online with a clear price for each job", 1),
        Goal("Sell more second-hand bikes through the site", 2),
    ),
    topics=("the workshop booking", "the second-hand bikes page", "the service price list"),
    work=(
        "Workshop booking shows the next free day and a fixed price for each service.",
        "Second-hand bikes page: Mia can add a bike from her phone in two minutes.",
    ),
    asks=(
        Ask(
            "Winter service offer",
            "Hi Tom, can we run a winter service offer, £10 off in January? Dan",
            "Hi Dan,\n\nSet up for 1 to 31 January, and it shows on the booking page.\n\nTom",
        ),
    ),
)

LANTERN = ClientSpec(
    key="lantern",
    name="Lantern Theatre Trust",
    short="Lantern Theatre",
    status="active",
    industry="Community theatre (charity)",
    domain="lanterntheatre.example",
    owner="tom",
    since_days=180,
    rhythm="warm",
    response_hours=48,
    check_in_days=21,
    cadence="monthly",
    weekday=THU,
    report_time="11:00",
    plain_target=70,
    annual_value=2400,
    notes="Volunteer-run theatre in the old corn exchange. The panto pays for the year.",
    people=(
        Person(
            "Oliver Grant",
            "Artistic director",
            "oliver",
            facts=(Fact("milestone", "Directing his 25th panto this Christmas"),),
        ),
        Person("Rukhsana Ali", "Box office and volunteers", "rukhsana"),
        Person("Frank Doherty", "Chair of trustees", "frank"),
    ),
    goals=(
        Goal("Panto sells out online before December", 1),
        Goal("Volunteers sign up for front-of-house shifts online", 3),
    ),
    topics=("the panto booking", "the volunteer rota", "the season page"),
    work=(
        "Panto booking: 1,140 of 1,600 seats sold online so far.",
        "Season page lists every show with access performances marked.",
    ),
    asks=(
        Ask(
            "Relaxed performance",
            "Tom, we're adding a relaxed performance of the panto on the 28th. Can it be "
            "bookable? Rukhsana",
            "Hi Rukhsana,\n\nIt's bookable now and marked as relaxed on the season page.\n\nTom",
        ),
    ),
)
