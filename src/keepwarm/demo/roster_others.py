"""Paused and former clients, and prospects: the edges of the studio's book."""

from __future__ import annotations

from keepwarm.demo.specs import ClientSpec, Day, Fact, Goal, Person

HOLLIS = ClientSpec(
    key="hollis",
    name="Hollis Architects",
    short="Hollis Architects",
    status="paused",
    industry="Architecture practice",
    domain="hollisarchitects.example",
    owner="maya",
    since_days=520,
    rhythm="quiet",
    check_in_days=30,
    stop_days=70,
    notes=(
        "Portfolio site rebuild paused until their planning appeal is decided (expected in "
        "January). Agreed to check in once a month until then."
    ),
    people=(
        Person(
            "Simon Hollis",
            "Director",
            "simon",
            facts=(
                Fact("interest", "Sketches buildings on holiday; wants them on the site one day"),
            ),
        ),
        Person("Grace Liu", "Practice manager", "grace"),
    ),
    goals=(Goal("A portfolio that wins them bigger residential work", 1),),
    topics=("the portfolio rebuild", "the project photos"),
)

COPPERLEAF = ClientSpec(
    key="copperleaf",
    name="Copperleaf Tea Rooms",
    short="Copperleaf",
    status="paused",
    industry="Tea room",
    domain="copperleaftea.example",
    owner="tom",
    since_days=450,
    rhythm="warm",
    check_in_days=30,
    stop_days=55,
    notes="Closed for a refurbishment until March. The site shows a 'see you in spring' page.",
    people=(
        Person(
            "Dorothy Pike",
            "Owner",
            "dorothy",
            facts=(Fact("family", "Spending the winter with her sister in Portugal"),),
        ),
        Person("Tilly Pike", "Social media (Dorothy's granddaughter)", "tilly"),
    ),
    goals=(Goal("Reopen in March with afternoon tea bookable online", 1),),
    topics=("the reopening page", "afternoon tea booking"),
)

ROSA = ClientSpec(
    key="rosa",
    name="Rosa Delgado",
    short="Rosa Delgado",
    kind="individual",
    status="paused",
    industry="Bookkeeper",
    domain="rosadelgado.example",
    owner="maya",
    since_days=380,
    rhythm="warm",
    check_in_days=45,
    stop_days=45,
    notes="On maternity leave until April; her retainer is paused until then.",
    people=(
        Person(
            "Rosa Delgado",
            "Bookkeeper",
            "rosa",
            facts=(Fact("family", "Baby Lucía born in October", noted_days_ago=38),),
            dates=(Day("birthday", "Birthday", 1989, 4, 23),),
        ),
    ),
    goals=(Goal("Take on three new clients after her leave", 2),),
    topics=("the services page",),
)

QUAYSIDE = ClientSpec(
    key="quayside",
    name="Quayside Fitness",
    short="Quayside Fitness",
    status="former",
    industry="Gym",
    domain="quaysidefitness.example",
    owner="tom",
    since_days=640,
    rhythm="warming",
    response_hours=24,
    check_in_days=14,
    cadence="monthly",
    weekday=1,
    stop_days=110,
    notes=(
        "Left us in the summer for an agency in town. Kate was honest about why: we were slow "
        "to answer, and she never knew where the timetable work stood. Worth remembering."
    ),
    people=(
        Person("Kate Sullivan", "Manager", "kate"),
        Person("Ryan Doyle", "Head coach", "ryan"),
    ),
    goals=(Goal("Class timetable members can book from", 1, "dropped"),),
    topics=("the class timetable", "the membership page"),
)

SEAVIEW = ClientSpec(
    key="seaview",
    name="Seaview Guest House",
    short="Seaview",
    status="former",
    industry="Guest house",
    domain="seaviewguesthouse.example",
    owner="maya",
    since_days=900,
    rhythm="warm",
    stop_days=150,
    notes=(
        "Jean and Alan sold the guest house in the spring and retired. We parted on the best of "
        "terms, and Jean still sends a Christmas card."
    ),
    people=(
        Person(
            "Jean Morris",
            "Former owner",
            "jean",
            dates=(Day("birthday", "Birthday", 1955, 11, 2),),
        ),
        Person("Alan Morris", "Former owner", "alan"),
    ),
    goals=(Goal("Hand the site over cleanly to the new owners", 1, "achieved"),),
    topics=("room booking", "the handover"),
)

PINEWOOD = ClientSpec(
    key="pinewood",
    name="Pinewood Dental Lab",
    short="Pinewood Lab",
    status="former",
    industry="Dental laboratory",
    domain="pinewoodlab.example",
    owner="tom",
    since_days=700,
    rhythm="warm",
    stop_days=85,
    notes=(
        "Brought their website in-house when they hired a marketing person. Clean handover; "
        "Nikolai still recommends us."
    ),
    people=(Person("Nikolai Petrov", "Lab director", "nikolai"),),
    goals=(Goal("Their own team runs the site", 1, "achieved"),),
    topics=("the handover", "the case submission form"),
)

ASHDOWN = ClientSpec(
    key="ashdown",
    name="Ashdown Lettings",
    short="Ashdown Lettings",
    status="prospect",
    industry="Letting agency",
    domain="ashdownlettings.example",
    owner="maya",
    since_days=22,
    referred_by="fenwick",
    notes="Gregory Hale at Fenwick & Hale sent them to us. Proposal sent; Sunita decides.",
    people=(
        Person("Sunita Rao", "Director", "sunita"),
        Person("Mark Ellison", "Lettings manager", "mark", channel="phone"),
    ),
    goals=(Goal("Landlords can see their properties' status online", 1),),
)

BROOKFIELD = ClientSpec(
    key="brookfield",
    name="Brookfield Orthodontics",
    short="Brookfield Orthodontics",
    status="prospect",
    industry="Orthodontic practice",
    domain="brookfieldortho.example",
    owner="maya",
    since_days=12,
    referred_by="harbor",
    notes="Lena Ortiz refers her braces patients here and suggested they talk to us.",
    people=(
        Person("Dr Kwame Mensah", "Principal orthodontist", "kwame"),
        Person("Laura Quinn", "Practice manager", "laura"),
    ),
    goals=(Goal("Free consultations booked online", 1),),
)

KINGSWAY = ClientSpec(
    key="kingsway",
    name="Kingsway Motors",
    short="Kingsway Motors",
    status="prospect",
    industry="Used car dealer",
    domain="kingswaymotors.example",
    owner="tom",
    since_days=28,
    notes="Met Steve at the chamber of commerce breakfast. Keen, but we've been slow to follow up.",
    people=(
        Person("Steve Hartley", "Sales director", "steve", channel="phone"),
        Person("Priti Shah", "Marketing", "priti"),
    ),
    goals=(Goal("Stock list that updates itself from their dealer system", 1),),
)

THISTLE = ClientSpec(
    key="thistle",
    name="Thistle & Thorn Florist",
    short="Thistle & Thorn",
    status="prospect",
    industry="Florist",
    domain="thistleandthorn.example",
    owner="tom",
    since_days=4,
    referred_by="crumb",
    notes="Poppy heard about us from Marta at Crumb & Co.",
    people=(Person("Poppy Adair", "Owner", "poppy"),),
    goals=(Goal("Wedding flower enquiries online", 1),),
)

EASTSIDE = ClientSpec(
    key="eastside",
    name="Eastside Boxing Gym",
    short="Eastside Boxing",
    status="prospect",
    industry="Community boxing gym",
    domain="eastsideboxing.example",
    owner="tom",
    since_days=1,
    response_hours=24,
    notes="Came in through the website enquiry form yesterday.",
    people=(
        Person("Curtis Bell", "Head coach", "curtis"),
        Person("Lou Bell", "Bookings and funding bids", "lou"),
    ),
)
