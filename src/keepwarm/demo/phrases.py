"""Short texts the demo's everyday rhythm is written from: calls, updates, thanks, asks.

Slots: {first} the contact's first name, {me} our first name, {topic} what we're working
on for them, {client} the client's short name.
"""

from __future__ import annotations

from keepwarm.demo.specs import Article, Ask

SIGNATURE = "{me}\nBrightside Studio · 01632 960400"

# (subject, body) for touches we start.
OUTBOUND: dict[str, tuple[tuple[str, str], ...]] = {
    "call": (
        (
            "Call with {first}",
            "Went through {topic} with {first}. Happy with it so far; wants to see it on a phone "
            "before it goes live, so I'll send a preview link.",
        ),
        (
            "Check-in call",
            "Checked in with {first}. All fine their end, busy month. Told them the work on "
            "{topic} is on track for next week.",
        ),
        (
            "Call: {topic}",
            "Talked {first} through {topic} step by step. Two small changes: bigger button text "
            "and a shorter intro. Doing both this week.",
        ),
        (
            "Quick call with {first}",
            "Asked {first} how the last month has gone. Fewer phone enquiries, more through the "
            "site. Wants to look at {topic} next.",
        ),
        (
            "Call about {topic}",
            "{first} had questions about {topic}; answered them and agreed the wording. Nothing "
            "else outstanding.",
        ),
    ),
    "meeting": (
        (
            "Monthly review with {first}",
            "Went through the month's numbers and {topic}. {first} is pleased with the trend and "
            "wants the next step done before the end of the month.",
        ),
        (
            "Workshop: {topic}",
            "Two hours at their office on {topic}. Sketched the pages on the whiteboard (photos "
            "in the shared folder). Next: a clickable draft.",
        ),
        (
            "Video call: {topic}",
            "Shared the staging site on screen. {first} signed off {topic} with one wording "
            "change.",
        ),
    ),
    "visit": (
        (
            "Visit: how staff use {topic}",
            "Spent the morning watching how the team uses {topic}. Search is the sticking point; "
            "noted three fixes.",
        ),
        (
            "Visit: new photos",
            "Took new photos for {topic}. About 40 usable; shortlist in the shared folder for "
            "{first}.",
        ),
    ),
    "message": (
        (
            "Text to {first}",
            "Heads-up: the changes to {topic} go live tomorrow morning. Nothing for you to do.",
        ),
        ("Message to {first}", "Sent {first} the preview link for {topic}."),
        ("Text to {first}", "The change to {topic} is live. Shout if anything looks odd."),
    ),
    "email": (
        (
            "Checking in",
            "Hi {first},\n\nJust checking in: is everything working as you'd expect? Anything "
            "you'd like us to look at while we're working on {topic}?\n\n" + SIGNATURE,
        ),
    ),
}

# (subject, body) for touches the client starts, logged by us.
INBOUND: dict[str, tuple[tuple[str, str], ...]] = {
    "call": (
        (
            "{first} called",
            "{first} rang to ask whether the changes to {topic} could go live before the weekend. "
            "Said yes.",
        ),
        (
            "{first} called about {topic}",
            "{first} rang with a question about {topic}. Answered it on the call.",
        ),
    ),
    "message": (
        ("Text from {first}", "Looks great, thanks! {first}"),
        ("Text from {first}", "Can we talk about {topic} this week? Any day after 2."),
    ),
}

UPDATE_OPENINGS = {
    "weekly": "Here's this week's update.",
    "fortnightly": "Here's the update for the last fortnight.",
    "monthly": "Here's this month's update.",
}

MAINTENANCE_LINES = (
    "The site was up all {period} ({uptime}% uptime); backups ran every night.",
    "{visits:,} visits {period_of}, {change:+d}% on the one before.",
    "Updated the site's software and plugins; nothing broke.",
    "Page speed on phones: {speed} out of 100.",
)

PROBLEMS = (
    "The site was slow for about 20 minutes one morning (a problem at the hosting company). "
    "Back to normal since, and nothing was lost.",
    "One confirmation email bounced because of a typo in the customer's address. I let the "
    "customer know and added a check for common typos.",
    "A software update broke the gallery on phones for an hour; I rolled it back and fixed it "
    "properly the next day.",
    "Spam through the contact form went up; I've added a better filter.",
)

NEXT_STEPS = (
    "Next: carry on with {topic}.",
    "Next: a preview of {topic} for you to check.",
    "Next: finish {topic} and test it on phones.",
)

UPDATE_CLOSE = "Reply to this email if anything's unclear, or ring me.\n\n" + SIGNATURE

NO_CHANGE_BODY = (
    "Hi {first},\n\nA short one: no change this {unit}. {note}\n\nEverything else ran "
    "normally: the site was up all {unit} and the backups ran every night.\n\n" + SIGNATURE
)

THANKS = (
    "Thanks {me}, all good.\n\n{first}",
    "Lovely, thank you!\n\n{first}",
    "Great progress, thanks. Let's talk about {topic} on our next call.\n\n{first}",
    "Thanks for this. Shared it with the team.\n\n{first}",
)

VALUE_ADD = (
    'Hi {first},\n\nThis made me think of our conversation about {topic}: "{title}".\n'
    "{url}\n\nThe part about {point} seemed relevant to you. No action needed; I just thought "
    "you'd find it useful.\n\n" + SIGNATURE
)

GENERIC_ARTICLES = (
    Article(
        "Five small changes that make a site easier to use on a phone",
        "https://www.example.org/guides/mobile-quick-wins",
        "tap targets, which is where most small sites lose people",
    ),
    Article(
        "Getting more from your Google business profile",
        "https://www.example.org/guides/business-profile",
        "answering reviews, even the good ones",
    ),
    Article(
        "A plain checklist for keeping customer data safe",
        "https://www.example.net/checklists/customer-data",
        "who still has a login they no longer need",
    ),
)

JOB_REPORTS = (
    (
        "two plugins had security updates waiting, and the contact form's spam filter was "
        "letting through about a dozen messages a day.",
        "updated both plugins after a backup, tested every form, and switched the spam filter "
        "to a stricter setting.",
        "nothing urgent. The theme is due a bigger update in the spring; we'll plan it with you.",
    ),
    (
        "the nightly backup had failed twice because the storage was full.",
        "cleared out backups older than 90 days, moved them to cheaper storage and checked a "
        "restore works.",
        "the hosting plan is close to its limit; an upgrade in the new year costs about £4 a "
        "month more.",
    ),
    (
        "three pages had broken links to documents that had been renamed.",
        "fixed the links and set up a weekly broken-link check that emails us.",
        "a few old PDFs are worth turning into web pages; happy to quote.",
    ),
    (
        "the security certificate was due to expire in nine days.",
        "renewed it and switched it to renew itself from now on.",
        "nothing; this one won't need doing again.",
    ),
)

JOB_REPORT_BODY = (
    "Hi {first},\n\nHere's the report from this month's maintenance.\n\n"
    "What was wrong: {wrong}\n\nWhat we did: {did}\n\nWhat's needed next: {next}\n\n" + SIGNATURE
)

BIRTHDAY = ("Happy birthday, {first}", "Happy birthday {first}! Hope you get some time off today.")

# Promises that come out of calls and meetings: (what, days until due).
PROMISES = (
    ("Send {first} a preview link for {topic}", 2),
    ("Have {topic} ready to try", 7),
    ("Send {first} the monthly numbers", 3),
    ("Make the two changes {first} asked for on {topic}", 3),
    ("Write up the notes from the call for {first}", 1),
)

GENERIC_ASKS = (
    Ask(
        "New phone number",
        "Hi {me},\n\nWe've got a new main phone number. Can you change it everywhere on the "
        "site?\n\nThanks,\n{first}",
        "Hi {first},\n\nDone: the new number is in the header, the footer and the contact page, "
        "and it's a tap-to-call link on phones.\n\n" + SIGNATURE,
    ),
    Ask(
        "Contact form",
        "Hi {me}, a customer says the contact form didn't send. Can you check it's working? "
        "{first}",
        "Hi {first},\n\nThe form works; that customer's message was caught by the spam filter. "
        "I've passed it on to you and loosened the filter a little.\n\n" + SIGNATURE,
        problem=True,
    ),
    Ask(
        "Logo files",
        "Hi {me}, could you send us the logo files? The printer needs them. {first}",
        "Hi {first},\n\nAttached, in the print and web versions. The printer will want the PDF."
        "\n\n" + SIGNATURE,
    ),
    Ask(
        "Looks odd on an iPad",
        "Hi {me},\n\nSomeone said the home page looks odd on their iPad. Is it just them?\n\n"
        "{first}",
        "Hi {first},\n\nNot just them: the photos overlapped the text on some iPads. Fixed and "
        "tested on three sizes.\n\n" + SIGNATURE,
        problem=True,
    ),
    Ask(
        "Adding a new starter",
        "Hi {me},\n\nWe've got someone new starting next week. Can they go on the about page? "
        "Photo and a few lines attached.\n\n{first}",
        "Hi {first},\n\nThey're on the about page now. Welcome to them!\n\n" + SIGNATURE,
    ),
    Ask(
        "Password for the site",
        "Hi {me}, I've forgotten my password for the site again, sorry! {first}",
        "Hi {first},\n\nNo problem. I've sent you a reset link; it works for an hour.\n\n"
        + SIGNATURE,
    ),
    Ask(
        "Reviews on the site",
        "Hi {me},\n\nCould we show our Google reviews on the home page?\n\n{first}",
        "Hi {first},\n\nYes: the five most recent reviews now show on the home page, and the "
        "list updates itself.\n\n" + SIGNATURE,
    ),
    Ask(
        "Invoice question",
        "Hi {me}, quick one: is the last invoice for the whole quarter or just the month? {first}",
        "Hi {first},\n\nJust the month. The quarter's total is on the statement I've "
        "attached.\n\n" + SIGNATURE,
    ),
    Ask(
        "Holiday opening hours",
        "Hi {me},\n\nWe're closed for a week in the holidays. Can the site say so?\n\n{first}",
        "Hi {first},\n\nThere's a notice at the top of every page now, which takes itself down "
        "when you reopen.\n\n" + SIGNATURE,
    ),
)
