"""The demo's hand-written story beats with active clients: the threads features show off."""

from __future__ import annotations

from keepwarm.demo.specs import Msg, Thread

OUT = "outbound"
IN = "inbound"
NOTE = "internal"
PROGRESS = "progress"
PROBLEM = "problem"
PERSONAL = "personal_touch"

THREADS: tuple[Thread, ...] = (
    # Seed 003: a slow answer, a promised update that never came, and now an angry owner.
    Thread(
        "meadowbank",
        (
            Msg(
                -6,
                "09:40",
                "email",
                IN,
                "Online booking not sending confirmations",
                "Hi Tom,\n\nSince yesterday, people who book online aren't getting a "
                "confirmation email, so they ring us to check their appointment. Could you look "
                "at it today please?\n\nCarl",
                who=(1,),
                kinds=(PROBLEM,),
                needs_reply=True,
            ),
            Msg(
                -5,
                "16:20",
                "email",
                OUT,
                "Re: Online booking not sending confirmations",
                "Hi Carl,\n\nSorry for the slow reply, I've been out at another client. Looking "
                "at it now: it seems the email service changed something on their side. I'll "
                "update you tomorrow.\n\nTom",
                who=(1,),
                kinds=(PROBLEM,),
            ),
            Msg(
                -3,
                "11:05",
                "call",
                NOTE,
                "Booking confirmations: cause found",
                "Rang the email service. Meadowbank's IT company changed the sending password "
                "last week without telling us, so every confirmation since has failed. Asked "
                "their IT for the new one; no answer yet. Carl hasn't heard from us since my "
                "email two days ago.",
                who=(),
                kinds=(PROBLEM,),
            ),
            Msg(
                -2,
                "08:12",
                "email",
                IN,
                "Booking confirmations STILL not working",
                "Tom,\n\nOur online booking has sent no confirmations for almost a week. Carl "
                "emailed you, you said you'd update us the next day, and we've heard nothing "
                "since. Reception is taking calls from worried owners all day, and two new "
                "clients have booked with another practice instead.\n\nI'm frustrated and, "
                "honestly, embarrassed in front of my own clients. I need to know today what is "
                "wrong, when it will be fixed and what you'll do so it doesn't happen again. If "
                "I don't hear back I'll have to look at other options.\n\nFiona Marlowe",
                kinds=(PROBLEM,),
                needs_reply=True,
            ),
        ),
    ),
    # Seed 001: the contractor who went silent; here it is us who went quiet on Ray.
    Thread(
        "castle",
        (
            Msg(
                -36,
                "16:20",
                "call",
                OUT,
                "Call with Ray",
                "Ray asked whether we could add an emergency call-out page showing which "
                "engineer is on call each night. Said we'd send a quote by the end of next "
                "week. Daniel is doing well as an apprentice, he says.",
                kinds=(PROGRESS,),
            ),
        ),
    ),
    # Seed 002 step 5: 5% of revenue, never chases, slowly forgotten.
    Thread(
        "greenway",
        (
            Msg(
                -44,
                "13:10",
                "email",
                IN,
                "New prices from next month",
                "Hi Tom,\n\nOur prices change next month. The new list is attached, including "
                "sports massage at £48. Could you update the site before then?\n\nThanks,\nNadia",
                needs_reply=True,
            ),
            Msg(
                -41,
                "17:55",
                "email",
                OUT,
                "Re: New prices from next month",
                "Hi Nadia,\n\nSorry for the slow reply. Yes, I'll have them up by the end of the "
                "month.\n\nTom",
            ),
            Msg(
                -12,
                "12:40",
                "email",
                IN,
                "Prices on the website",
                "Hi Tom,\n\nJust checking the new prices will go up soon? A couple of patients "
                "have mentioned the old ones. No rush.\n\nNadia",
                needs_reply=True,
            ),
            Msg(
                -10,
                "16:30",
                "email",
                OUT,
                "Re: Prices on the website",
                "Hi Nadia,\n\nSorry, this slipped. I'll have them up by the end of the week.\n\n"
                "Tom",
                kinds=(PROBLEM,),
            ),
        ),
    ),
    # Seed 002 step 2: remember the person.
    Thread(
        "harbor",
        (
            Msg(
                -40,
                "12:30",
                "meeting",
                OUT,
                "Lunch with Priya at Green Fig",
                "Lunch with Priya to go through the medical history form questions. She went "
                "vegan in September, hence Green Fig. Agreed the consent wording; she'll send "
                "the final version by Friday.",
                who=(1,),
                kinds=(PROGRESS, PERSONAL),
            ),
            Msg(
                -14,
                "18:05",
                "message",
                OUT,
                "Good luck to Tyrone",
                "Texted Lena to wish Tyrone luck in the semi-final.",
                kinds=(PERSONAL,),
            ),
            Msg(
                -12,
                "07:50",
                "message",
                IN,
                "Re: Good luck to Tyrone",
                "They won! He's in the county final now and hasn't stopped grinning. Thanks for "
                "remembering. Lena",
            ),
            Msg(
                -9,
                "08:15",
                "call",
                OUT,
                "Call with Lena before surgery",
                "Quick call before her first patient. Online bookings for the new hygienist are "
                "at 31 a month, up from 12. Tyrone's county final is on Saturday: ask how it "
                "went. Next: the medical history form preview for Priya.",
                kinds=(PROGRESS, PERSONAL),
            ),
        ),
    ),
    # Seed 004: courage. Say plainly that a date we set was missed, and why.
    Thread(
        "northgate",
        (
            Msg(
                -20,
                "10:00",
                "meeting",
                OUT,
                "Click & collect: new rollout date",
                "Met Helen and Owen. The till supplier can't give us the stock feed for the "
                "other five stores until their upgrade in the new year. Rather than launch "
                "half-working, we agreed a new all-store date; Eastgate and Riverside stay live "
                "meanwhile. I said it plainly: the first date was ours, and we missed it because "
                "we didn't chase the supplier early enough.",
                who=(0, 2),
                kinds=(PROGRESS, PROBLEM),
            ),
            Msg(
                -3,
                "09:30",
                "meeting",
                OUT,
                "Checkout review with Raj and Claire",
                "Went through two weeks of checkout numbers: drop-off is 63%, down from 71%. Raj "
                "wants the results written up for Helen's board pack; I promised them for today.",
                who=(1, 3),
                kinds=(PROGRESS,),
            ),
        ),
    ),
    Thread(
        "fenwick",
        (
            Msg(
                -25,
                "17:10",
                "email",
                IN,
                "Introduction: Ashdown Lettings",
                "Hi Maya,\n\nSunita Rao at Ashdown Lettings is looking for someone to do their "
                "website. I told her you're the people who made ours make sense. Her details "
                "are below.\n\nGregory",
                needs_reply=True,
            ),
            Msg(
                -25,
                "18:02",
                "email",
                OUT,
                "Re: Introduction: Ashdown Lettings",
                "Hi Gregory,\n\nThat's very kind, thank you. I'll get in touch with Sunita "
                "tomorrow.\n\nMaya",
            ),
            Msg(
                -15,
                "16:40",
                "email",
                OUT,
                "Conveyancing quote form: new date",
                "Hi Gregory,\n\nAn honest update on the quote form. It's built, but the stamp "
                "duty figures need checking against the rates Dev's team uses, and that check "
                "hasn't happened yet. I'd rather move the go-live than publish wrong numbers, so "
                "I've moved it back three weeks. I'll send Dev the test cases tomorrow.\n\nMaya",
                kinds=(PROGRESS, PROBLEM),
            ),
            Msg(
                -10,
                "11:00",
                "call",
                OUT,
                "Call with Gregory",
                "Went through the quote form test results with Gregory. He has a knee operation "
                "on Tuesday and will be off for about two weeks; Dev signs things off "
                "meanwhile. Send him a get-well message.",
                kinds=(PROGRESS, PERSONAL),
            ),
        ),
    ),
    Thread(
        "saltmarsh",
        (
            Msg(
                -12,
                "10:20",
                "message",
                OUT,
                "Get well soon, Marcus",
                "Sent Marcus a get-well message after his cycling accident. Told him not to "
                "worry about the stout tasting notes; Ellie can send them.",
                who=(1,),
                kinds=(PERSONAL,),
            ),
        ),
    ),
    Thread(
        "hillcrest",
        (
            Msg(
                -85,
                "15:00",
                "email",
                IN,
                "Visiting times page?",
                "Maya,\n\nWe were promised the visiting-times page by the end of August. "
                "Families are still ringing to ask. Please let me know what is happening.\n\n"
                "Margaret",
                kinds=(PROBLEM,),
                needs_reply=True,
            ),
            Msg(
                -84,
                "10:10",
                "email",
                OUT,
                "Re: Visiting times page?",
                "Margaret,\n\nYou're right, and I'm sorry. We took on too much in August and "
                "your page slipped without us telling you. That shouldn't have happened. From "
                "now on you'll get an update every other Thursday, and every promise will have "
                "a date you can hold us to.\n\nMaya",
                kinds=(PROBLEM,),
            ),
            Msg(
                -20,
                "14:00",
                "meeting",
                OUT,
                "Review with Margaret",
                "Went through the last three months honestly: the two late promises, why "
                "(we took on too much in August) and what's changed (fortnightly updates, "
                "every promise dated). She was fair about it. Next: the visiting-times page, "
                "bank holidays included.",
                kinds=(PROGRESS,),
            ),
        ),
    ),
    Thread(
        "oakridge",
        (
            Msg(
                -143,
                "09:00",
                "email",
                OUT,
                "Tee-time booking: a week late, sorry",
                "Dear Graham,\n\nI'm sorry: tee-time booking won't be ready on the date I gave "
                "you. Testing with the pro shop found that members with two memberships got "
                "double-booked. I'd rather fix that than launch with it. New date: a week "
                "today.\n\nTom",
                kinds=(PROGRESS, PROBLEM),
            ),
        ),
    ),
)
