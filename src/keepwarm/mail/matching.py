"""Which client an email belongs to: its people's addresses, remembered ones, then the domain."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from keepwarm.accounts.models import Membership, Workspace
from keepwarm.clients.models import Client, Contact
from keepwarm.mail.models import RememberedAddress

# Addresses at these domains belong to people, not to one organisation.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.fr",
        "yahoo.de",
        "ymail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "outlook.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "yandex.com",
        "yandex.ru",
        "mail.ru",
        "zoho.com",
        "fastmail.com",
        "fastmail.fm",
        "hey.com",
        "qq.com",
        "163.com",
        "126.com",
        "btinternet.com",
        "comcast.net",
        "verizon.net",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "libero.it",
        "t-online.de",
        "mail.com",
        "tutanota.com",
        "tuta.io",
        "seznam.cz",
        "wp.pl",
        "o2.pl",
        "naver.com",
    }
)


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


def is_free_mail(domain: str) -> bool:
    return domain in FREE_MAIL_DOMAINS


@dataclass(frozen=True)
class Match:
    client_id: int
    contact_ids: tuple[int, ...]
    how: str


@dataclass
class Matcher:
    """Everything needed to match addresses, loaded once per import, not once per message."""

    ours: frozenset[str]
    contacts: dict[str, tuple[int, int]] = field(default_factory=dict)
    remembered: dict[str, int] = field(default_factory=dict)
    domains: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, workspace: Workspace, our_addresses: Collection[str] = ()) -> Matcher:
        members = Membership.objects.filter(workspace=workspace).values_list(
            "user__email", flat=True
        )
        ours = frozenset(a.strip().lower() for a in [*members, *our_addresses] if a)
        matcher = cls(ours=ours)
        by_domain: dict[str, set[int]] = defaultdict(set)
        rows = Contact.objects.filter(workspace=workspace).values_list(
            "pk", "client_id", "email", "other_emails"
        )
        for pk, client_id, address, others in rows.order_by("pk"):
            for one in [address, *others.splitlines()]:
                one = one.strip().lower()
                if "@" not in one:
                    continue
                matcher.contacts.setdefault(one, (client_id, pk))
                if not is_free_mail(domain_of(one)):
                    by_domain[domain_of(one)].add(client_id)
        for pk, website in (
            Client.objects.filter(workspace=workspace)
            .exclude(website="")
            .values_list("pk", "website")
        ):
            host = (urlsplit(website).hostname or "").lower().removeprefix("www.")
            if host and not is_free_mail(host):
                by_domain[host].add(pk)
        # A domain shared by two clients says nothing about which one wrote.
        matcher.domains = {d: next(iter(ids)) for d, ids in by_domain.items() if len(ids) == 1}
        matcher.remembered = dict(
            RememberedAddress.objects.filter(workspace=workspace).values_list(
                "address", "client_id"
            )
        )
        return matcher

    def is_ours(self, address: str) -> bool:
        return address in self.ours

    def match(self, addresses: Iterable[str]) -> Match | None:
        """Return the client of the first address that matches, with every known person."""
        people = [a for a in addresses if a and a not in self.ours]
        client_id: int | None = None
        how = ""
        for address in people:
            if address in self.contacts:
                client_id, how = self.contacts[address][0], "contact"
                break
        if client_id is None:
            for address in people:
                if address in self.remembered:
                    client_id, how = self.remembered[address], "remembered address"
                    break
        if client_id is None:
            for address in people:
                domain = domain_of(address)
                if domain in self.domains:
                    client_id, how = self.domains[domain], "domain"
                    break
        if client_id is None:
            return None
        contact_ids = tuple(
            dict.fromkeys(
                self.contacts[a][1]
                for a in people
                if a in self.contacts and self.contacts[a][0] == client_id
            )
        )
        return Match(client_id=client_id, contact_ids=contact_ids, how=how)
