"""Hand-written threads at the edges of the book: former and paused clients, prospects."""

from __future__ import annotations

from keepwarm.demo.specs import Msg, Thread

OUT = "outbound"
IN = "inbound"
PROGRESS = "progress"
PROBLEM = "problem"
PERSONAL = "personal_touch"

EDGE_THREADS: tuple[Thread, ...] = (
    Thread(
        "quayside",
        (
            Msg(
                -160,
                "10:30",
                "email",
                IN,
                "Timetable changes",
                "Hi Tom, just chasing the timetable changes I sent three weeks ago. The new "
                "classes start on Monday. Kate",
                kinds=(PROBLEM,),
                needs_reply=True,
            ),
            Msg(
                -157,
                "09:15",
                "email",
                OUT,
                "Re: Timetable changes",
                "Hi Kate, sorry, I'll get them done this week. Tom",
            ),
            Msg(
                -124,
                "17:45",
                "email",
                IN,
                "Timetable",
                "Tom, still not done. Members are turning up for classes that don't exist any "
                "more. Kate",
                kinds=(PROBLEM,),
                needs_reply=True,
            ),
            Msg(
                -123,
                "11:00",
                "call",
                OUT,
                "Call with Kate",
                "Apologised and made the timetable changes while we were on the phone.",
                kinds=(PROBLEM,),
            ),
            Msg(
                -112,
                "10:00",
                "email",
                IN,
                "Moving on",
                "Hi Tom,\n\nI wanted to tell you myself: we've decided to move the website to "
                "another agency from next month. It isn't the work itself; it's that I never "
                "know where things stand and I end up chasing. I'll need the logins and a copy "
                "of the site.\n\nThanks for everything,\nKate",
                needs_reply=True,
            ),
            Msg(
                -111,
                "09:30",
                "email",
                OUT,
                "Re: Moving on",
                "Hi Kate,\n\nThank you for telling me directly, and for being honest about why. "
                "You're right, and I'm sorry. I'll send the logins and a full copy of the site "
                "within three days, and make sure the new agency has everything they need.\n\n"
                "Tom",
            ),
            Msg(
                -108,
                "15:00",
                "email",
                OUT,
                "Handover: logins and a copy of the site",
                "Hi Kate,\n\nAs promised: the logins are in the password-protected file "
                "attached, and the full site copy is in the shared folder. I've written a "
                "one-page guide for the new agency. Good luck with everything.\n\nTom",
            ),
        ),
    ),
    Thread(
        "seaview",
        (
            Msg(
                -155,
                "11:00",
                "email",
                IN,
                "We've sold!",
                "Dear Maya,\n\nAlan and I have sold Seaview! The new owners take over at the end "
                "of the month. I expect they'll want their own website, but I've given them "
                "your details. Thank you for eight lovely years.\n\nJean",
                needs_reply=True,
            ),
            Msg(
                -155,
                "13:20",
                "email",
                OUT,
                "Re: We've sold!",
                "Dear Jean,\n\nCongratulations to you both! I'll put together a handover pack "
                "for the new owners so nothing gets lost, whatever they decide.\n\nMaya",
            ),
            Msg(
                -60,
                "10:00",
                "message",
                IN,
                "Postcard from Jean",
                "A postcard from Jean and Alan in Madeira: retirement suits them.",
                kinds=(PERSONAL,),
            ),
        ),
    ),
    Thread(
        "pinewood",
        (
            Msg(
                -95,
                "14:00",
                "call",
                IN,
                "Nikolai called",
                "Nikolai rang to say they've hired a marketing person and want to run the site "
                "themselves from next month. No complaints; asked for a clean handover.",
            ),
            Msg(
                -89,
                "16:00",
                "email",
                OUT,
                "Handover: admin access and a how-to guide",
                "Hi Nikolai,\n\nAdmin access for your new colleague is set up, and the how-to "
                "guide is attached. It covers adding cases, updating prices and the monthly "
                "backups. Any questions in the first month are on us.\n\nTom",
                kinds=(PROGRESS,),
            ),
            Msg(
                -86,
                "09:20",
                "email",
                IN,
                "Re: Handover: admin access and a how-to guide",
                "Tom, thank you, very clear. We'll recommend you to anyone who asks. Nikolai",
            ),
        ),
    ),
    Thread(
        "hollis",
        (
            Msg(
                -72,
                "14:30",
                "meeting",
                OUT,
                "Pausing the rebuild",
                "Met Simon and Grace. Their planning appeal goes to committee in January and "
                "they'd rather pause the rebuild than launch without the flagship project. "
                "Agreed: billing paused, and we call once a month.",
                who=(0, 1),
                kinds=(PROGRESS,),
            ),
            Msg(
                -45,
                "10:00",
                "call",
                OUT,
                "Monthly check-in",
                "Checked in with Grace. No news on the appeal; nothing needed from us.",
                who=(1,),
            ),
            Msg(
                -22,
                "10:15",
                "call",
                OUT,
                "Monthly check-in",
                "Spoke to Simon. The appeal hearing is set for mid-January; he'd like to restart "
                "in February.",
            ),
        ),
    ),
    Thread(
        "copperleaf",
        (
            Msg(
                -58,
                "11:30",
                "email",
                OUT,
                "Your 'see you in spring' page",
                "Hi Dorothy,\n\nThe site now says you're closed for the refurbishment and "
                "reopening in March, with a sign-up for news. Everything else is switched off "
                "until then.\n\nTom",
                kinds=(PROGRESS,),
            ),
            Msg(
                -30,
                "17:00",
                "message",
                OUT,
                "Message to Dorothy",
                "Hope Portugal is treating you well! 14 people have signed up for reopening "
                "news already.",
                kinds=(PERSONAL,),
            ),
        ),
    ),
    Thread(
        "rosa",
        (
            Msg(
                -50,
                "10:00",
                "email",
                OUT,
                "Pausing your retainer while you're on leave",
                "Hi Rosa,\n\nAs we agreed, we've paused your retainer from this month. The site "
                "stays up and backed up at no charge, and we'll pick things up again in April."
                "\n\nMaya",
            ),
            Msg(
                -38,
                "09:30",
                "message",
                OUT,
                "Congratulations!",
                "Congratulations on baby Lucía! No need to reply.",
                kinds=(PERSONAL,),
            ),
            Msg(-37, "21:10", "message", IN, "Re: Congratulations!", "Thank you so much! R x"),
        ),
    ),
    # Word of mouth (seed 001): Castle → Harbor → Fenwick → Ashdown.
    Thread(
        "ashdown",
        (
            Msg(
                -24,
                "09:20",
                "email",
                OUT,
                "Introduction from Gregory Hale",
                "Hi Sunita,\n\nGregory Hale at Fenwick & Hale passed on your details and said "
                "you're thinking about a new website. Would a 30-minute call next week help? "
                "No preparation needed.\n\nMaya",
            ),
            Msg(
                -23,
                "12:05",
                "email",
                IN,
                "Re: Introduction from Gregory Hale",
                "Hi Maya, yes please. Thursday at 10? Sunita",
                needs_reply=True,
            ),
            Msg(
                -23,
                "12:40",
                "email",
                OUT,
                "Re: Introduction from Gregory Hale",
                "Thursday at 10 is in my diary. I'll ring your office number.\n\nMaya",
            ),
            Msg(
                -17,
                "10:00",
                "call",
                OUT,
                "Discovery call with Sunita and Mark",
                "They manage 340 properties. Landlords ring constantly about viewings and "
                "repairs; they'd like a landlord login that shows each property's status. "
                "Budget agreed in principle. Next: a proposal.",
                who=(0, 1),
                kinds=(PROGRESS,),
            ),
            Msg(
                -8,
                "15:30",
                "email",
                OUT,
                "Proposal: a landlord portal for Ashdown Lettings",
                "Hi Sunita,\n\nOur proposal is attached, a few days later than I said, sorry. "
                "In short: three phases, the first live in eight weeks, starting with repairs "
                "because that's what landlords ring about most. Happy to go through it on a "
                "call.\n\nMaya",
                kinds=(PROGRESS,),
            ),
        ),
    ),
    Thread(
        "brookfield",
        (
            Msg(
                -12,
                "19:02",
                "email",
                IN,
                "Lena Ortiz suggested I get in touch",
                "Dear Maya,\n\nLena at Harbor Dental speaks very highly of you. We're unhappy "
                "with our website: patients can't book a free consultation without phoning. "
                "Could we talk?\n\nKwame Mensah",
                needs_reply=True,
            ),
            Msg(
                -11,
                "08:50",
                "email",
                OUT,
                "Re: Lena Ortiz suggested I get in touch",
                "Dear Kwame,\n\nLovely to hear from you, and kind of Lena. I'd be glad to. "
                "Would a call early next week suit you and Laura?\n\nMaya",
            ),
            Msg(
                -6,
                "13:00",
                "call",
                OUT,
                "First call with Kwame and Laura",
                "They want free consultations bookable online and a page per treatment. Laura "
                "handles the diary. I promised three example sites of practices like theirs by "
                "the end of the week.",
                who=(0, 1),
                kinds=(PROGRESS,),
            ),
        ),
    ),
    Thread(
        "kingsway",
        (
            Msg(
                -28,
                "08:00",
                "meeting",
                OUT,
                "Chamber of commerce breakfast",
                "Met Steve Hartley from Kingsway Motors. Their stock list is updated by hand "
                "twice a week and is often out of date. Promised him a short proposal.",
            ),
            Msg(
                -14,
                "11:20",
                "call",
                IN,
                "Steve called",
                "Steve rang to ask where the proposal is. Told him next week.",
            ),
        ),
    ),
    Thread(
        "thistle",
        (
            Msg(
                -4,
                "09:10",
                "email",
                IN,
                "Website for a florist?",
                "Hi Tom,\n\nMarta at Crumb & Co said you made her cake order form and that "
                "you're lovely to work with. I need something like it for wedding flowers. "
                "Could we chat?\n\nPoppy",
                needs_reply=True,
            ),
            Msg(
                -4,
                "10:55",
                "email",
                OUT,
                "Re: Website for a florist?",
                "Hi Poppy,\n\nThanks for getting in touch, and how kind of Marta. I'd love to. "
                "Shall I ring you the day after tomorrow, mid-afternoon?\n\nTom",
            ),
            Msg(
                -2,
                "14:00",
                "call",
                OUT,
                "First call with Poppy",
                "Poppy does about 60 weddings a year and loses enquiries because couples don't "
                "give a date or budget. An enquiry form like Marta's, with a gallery, would "
                "cover it. Sending a rough quote.",
                kinds=(PROGRESS,),
            ),
        ),
    ),
    Thread(
        "eastside",
        (
            Msg(
                -1,
                "20:14",
                "email",
                IN,
                "Website enquiry from Eastside Boxing Gym",
                "Sent from the enquiry form on brightside.example\n\nName: Curtis Bell\n\n"
                "Message: We're a community boxing gym with about 150 members, a third of them "
                "under 16. We need a site where parents can book junior sessions and sponsors "
                "can see what their money pays for. Can you help, and roughly what would it "
                "cost?",
                needs_reply=True,
            ),
        ),
    ),
)
