"""The partnership glossary: terms auditors meet in guidance text, and where they occur.

The entries follow the jargon used by Local Safeguarding Children Partnerships in England (see
the "jargon buster" of a partnership annual report); the definitions are written for this app
in plain British English. `find_terms(text)` finds glossary terms in guidance text so the GUI
can link them: whole words only, acronyms matched case-sensitively (``CP`` but not ``cp``,
with an optional plural ``s``, e.g. ``MARACs``), phrases matched in any case, longest first and
never overlapping. Pure functions; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class GlossaryEntry:
    """One term. `term` is the headword (an acronym or a phrase), `expansion` what an acronym
    stands for, `aliases` other spellings that link to the same entry."""

    term: str
    expansion: str
    definition: str
    aliases: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """``MARAC (Multi-Agency Risk Assessment Conference)`` or just the term."""
        return f"{self.term} ({self.expansion})" if self.expansion else self.term


@dataclass(frozen=True)
class TermMatch:
    """A glossary term found in text: ``text[start:end]`` is `matched`, defined by `entry`."""

    start: int
    end: int
    matched: str
    entry: GlossaryEntry


def _e(term: str, expansion: str, definition: str, *aliases: str) -> GlossaryEntry:
    return GlossaryEntry(term, expansion, " ".join(definition.split()), aliases)


GLOSSARY: tuple[GlossaryEntry, ...] = (
    _e("CAMHS", "Child and Adolescent Mental Health Services",
       "NHS services that assess and treat children and young people with emotional, behavioural or mental "
       "health difficulties."),
    _e("CCE", "Child Criminal Exploitation",
       "When a person or group uses an imbalance of power to coerce, control or deceive a child into criminal "
       "activity, such as carrying drugs or money (county lines). The child is a victim even if the activity "
       "seems consensual."),
    _e("CDOP", "Child Death Overview Panel",
       "The statutory panel that reviews every child death in the area to look for patterns and for changes "
       "to services that could prevent future deaths."),
    _e("CIN", "Child in Need",
       "A child whose development or health is unlikely to be reached or maintained without services from the "
       "local authority (section 17 of the Children Act 1989). A CIN plan sets out that support."),
    _e("CLA", "Child Looked After",
       "A child in the care of the local authority, under a care order or accommodated with the parents' "
       "agreement. Also called a looked-after child (LAC) or child in care.", "LAC", "Looked after child",
       "Child in care", "Children in care"),
    _e("CP", "Child Protection",
       "Work to protect a specific child who is suffering, or likely to suffer, significant harm; a CP plan is "
       "agreed at a child protection conference."),
    _e("CSE", "Child Sexual Exploitation",
       "A form of child sexual abuse where someone uses an imbalance of power to coerce, manipulate or deceive "
       "a child into sexual activity in exchange for something the child needs or wants, or for the abuser's "
       "gain. It can happen online and can appear consensual."),
    _e("CSPR", "Child Safeguarding Practice Review",
       "A review of a serious child safeguarding case to learn how agencies worked together; it replaced the "
       "serious case review (SCR) in 2019.", "Child safeguarding practice review"),
    _e("DAPO", "Domestic Abuse Protection Order",
       "A civil order under the Domestic Abuse Act 2021 that can ban contact, set conditions and require the "
       "person causing harm to go to programmes; breaking it is a criminal offence. The police can first "
       "issue a Domestic Abuse Protection Notice (DAPN). It is replacing the DVPN and DVPO, area by area "
       "from November 2024.", "DAPN"),
    _e("DARA", "Domestic Abuse Risk Assessment",
       "The College of Policing's risk assessment for first responders at domestic abuse incidents, used by "
       "police forces in place of the DASH checklist from November 2022. Like DASH, it grades risk as "
       "standard, medium or high."),
    _e("DASH", "Domestic Abuse, Stalking and Harassment and Honour-Based Violence risk checklist",
       "A structured set of questions used by IDVAs, health, children's services and other agencies to "
       "identify the risk of serious harm from domestic abuse; a high score leads to a MARAC referral."),
    _e("DHR", "Domestic Homicide Review",
       "A multi-agency review after the death of a person aged 16 or over that appears to have resulted from "
       "violence, abuse or neglect by a relative, partner or household member."),
    _e("DNA", "Did Not Attend",
       "An older term for a missed appointment. For children, say Was Not Brought (WNB): children depend on "
       "adults to take them."),
    _e("DSL", "Designated Safeguarding Lead",
       "The senior member of staff in a school, setting or team who leads on safeguarding and child "
       "protection and is the first point of contact for concerns.", "Designated safeguarding lead"),
    _e("DVDS", "Domestic Violence Disclosure Scheme",
       "Known as Clare's Law: the police can tell someone (right to ask) or decide to tell them (right to "
       "know) about a partner's history of abuse or violence.", "Clare's Law"),
    _e("DVPO", "Domestic Violence Protection Order",
       "A court order (Crime and Security Act 2010) that can stop a person causing harm from returning home "
       "or contacting the victim for 14 to 28 days, after the police issue a Domestic Violence Protection "
       "Notice (DVPN). Being replaced by the DAPO.", "DVPN"),
    _e("EHA", "Early Help Assessment",
       "A shared assessment, agreed with the family, of the needs of a child and family who need support below "
       "the threshold for social care; it leads to an early help plan. Some areas still call it a CAF.",
       "CAF"),
    _e("EHCP", "Education, Health and Care Plan",
       "A legal document for a child or young person with special educational needs and disabilities that "
       "sets out their needs and the support they must receive."),
    _e("FGC", "Family Group Conference",
       "A family-led planning meeting where the wider family make a plan for the child, with professionals "
       "contributing information."),
    _e("FGM", "Female Genital Mutilation",
       "Cutting or injuring the female genitalia for no medical reason. It is illegal in the UK and a form of "
       "child abuse; professionals in some roles must report known cases to the police."),
    _e("HV", "Health Visitor",
       "A specialist community public health nurse who supports families with children under five."),
    _e("ICB", "Integrated Care Board",
       "The NHS body that plans and commissions health services for an area; one of the three statutory "
       "safeguarding partners. It replaced the clinical commissioning group (CCG) in 2022.", "CCG"),
    _e("ICPC", "Initial Child Protection Conference",
       "The first multi-agency meeting after a section 47 enquiry, which decides whether the child needs a "
       "child protection plan."),
    _e("IDVA", "Independent Domestic Violence Adviser",
       "A specialist who supports victims at high risk of domestic abuse, from the point of crisis, and "
       "represents their views at MARAC."),
    _e("IRO", "Independent Reviewing Officer",
       "A social worker, independent of the child's case, who chairs reviews of a looked-after child's care "
       "plan and checks that the child's wishes and feelings are heard."),
    _e("LADO", "Local Authority Designated Officer",
       "The officer who manages and oversees allegations against adults who work or volunteer with children. "
       "Concerns about such adults must be passed to the LADO without delay."),
    _e("LSCP", "Local Safeguarding Children Partnership",
       "The arrangements through which the local authority, the ICB and the police (the safeguarding "
       "partners) work with other agencies to safeguard children. It replaced the LSCB in 2019.", "LSCB",
       "SCP"),
    _e("MACA", "Multi-Agency Case Audit",
       "A joint review of a sample of children's records by the agencies involved, to learn how well they "
       "worked together and what difference it made to the child."),
    _e("MAPPA", "Multi-Agency Public Protection Arrangements",
       "How police, probation and prisons, with other agencies, manage the risk posed by violent and sexual "
       "offenders living in the community."),
    _e("MARAC", "Multi-Agency Risk Assessment Conference",
       "A regular meeting where agencies share information on high-risk domestic abuse cases and agree a "
       "safety plan for each victim and their children."),
    _e("MASE", "Multi-Agency Sexual Exploitation panel",
       "A panel that keeps a strategic overview of child sexual exploitation locally and reduces the risk of "
       "harm to children."),
    _e("MASH", "Multi-Agency Safeguarding Hub",
       "A team of co-located staff from children's social care, police, health and others who share and "
       "analyse information about a child quickly to decide the right response to a concern."),
    _e("NRM", "National Referral Mechanism",
       "The UK framework for identifying and referring potential victims of modern slavery, including "
       "children exploited through county lines."),
    _e("RCPC", "Review Child Protection Conference",
       "A conference that reviews a child protection plan, usually three months after the initial conference "
       "and then every six months."),
    _e("SCR", "Serious Case Review",
       "The former statutory review of a case where abuse or neglect was known or suspected and a child died "
       "or was seriously harmed; replaced by the CSPR."),
    _e("SEND", "Special Educational Needs and Disabilities",
       "Learning difficulties or disabilities that make it harder for a child to learn than most children of "
       "the same age, and the support for them."),
    _e("SPOC", "Single Point of Contact",
       "The named person or team in an agency through whom referrals, requests or information for a process "
       "are routed."),
    _e("VAWG", "Violence Against Women and Girls",
       "The strategy and partnership that oversee the local response to domestic abuse, sexual violence and "
       "harmful practices such as FGM."),
    _e("WNB", "Was Not Brought",
       "A child's missed appointment, recorded as WNB rather than DNA because children depend on adults to "
       "take them; repeated WNB may be a sign of neglect.", "Was Not Brought"),
    _e("YOT", "Youth Offending Team",
       "The multi-agency team that works with children aged 10 to 17 who are in trouble with the law; also "
       "called the youth justice service (YJS).", "YJS"),
    _e("Coercive control", "",
       "A pattern of acts of assault, threats, humiliation, intimidation or other abuse used to harm, punish or "
       "frighten a victim; a criminal offence since 2015."),
    _e("Contextual safeguarding", "",
       "An approach to harm that children face outside the home, in peer groups, schools, neighbourhoods and "
       "online, that works to change those contexts as well as supporting the child."),
    _e("Early help", "",
       "Support given to a child and family as soon as a problem emerges, at any age, to stop it getting "
       "worse. Also called early intervention."),
    _e("Escalation", "",
       "The local procedure for resolving professional disagreements about a child's safety by raising them "
       "with managers, step by step, until resolved."),
    _e("Lundy model", "",
       "A model of children's participation with four elements: space, voice, audience and influence."),
    _e("Operation Encompass", "",
       "A scheme through which the police tell a child's school, before the next school day, that the child "
       "was affected by a domestic abuse incident, so staff can offer support."),
    _e("Private fostering", "",
       "When a child under 16 (18 if disabled) is cared for for 28 days or more by someone who is not a close "
       "relative, by private arrangement; the local authority must be told."),
    _e("Professional curiosity", "",
       "Exploring and understanding what is happening in a family rather than taking things at face value, "
       "including checking information and asking about other adults."),
    _e("Safe & Together", "",
       "A model for working with domestic abuse that aims to keep the child safe and together with the "
       "non-abusing parent, partners with that parent, and holds the person causing harm accountable for "
       "their pattern of behaviour. Safe & Together is a trademark of the Safe & Together Institute.",
       "Safe and Together"),
    _e("Section 11", "",
       "The duty in the Children Act 2004 on agencies to make sure their functions take account of the need to "
       "safeguard and promote the welfare of children; partnerships check it through Section 11 "
       "self-assessment audits.", "S11"),
    _e("Section 47", "",
       "An enquiry by children's social care, under the Children Act 1989, when there is reasonable cause to "
       "suspect a child is suffering, or likely to suffer, significant harm.", "S47"),
    _e("Strategy discussion", "",
       "A meeting of children's social care, the police and health (and others) when significant harm is "
       "suspected, to decide whether to start a section 47 enquiry.", "Strategy meeting"),
    _e("Think Family", "",
       "Looking beyond the individual you support to the needs of the whole family, such as a parent's mental "
       "health, substance misuse or domestic abuse."),
    _e("Voice of the child", "",
       "The child's own views, wishes and feelings, recorded in their words and used to shape decisions about "
       "them."),
)  # fmt: skip


def is_acronym(term: str) -> bool:
    """True for terms written in capitals (digits allowed): these match case-sensitively."""
    letters = [c for c in term if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and " " not in term


@lru_cache(maxsize=1)
def _index() -> tuple[re.Pattern[str], dict[str, GlossaryEntry]]:
    by_key: dict[str, GlossaryEntry] = {}
    for entry in GLOSSARY:
        for name in (entry.term, *entry.aliases):
            by_key[name if is_acronym(name) else name.lower()] = entry
    names = sorted(by_key, key=len, reverse=True)
    parts = [_pattern_for(name) for name in names]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])"), by_key


def _pattern_for(name: str) -> str:
    escaped = re.escape(name).replace(r"\ ", r"\s+")
    return f"{escaped}s?" if is_acronym(name) else f"(?i:{escaped})"


def lookup(term: str) -> GlossaryEntry | None:
    """The entry for a term or alias (acronyms case-sensitive, phrases any case), or None."""
    _pattern, by_key = _index()
    text = " ".join(term.split())
    return by_key.get(text) if is_acronym(text) else by_key.get(text.lower())


def find_terms(text: str) -> tuple[TermMatch, ...]:
    """Glossary terms in `text`, in order, longest match first and never overlapping."""
    pattern, by_key = _index()
    found = []
    for match in pattern.finditer(text):
        word = match.group(0)
        entry = _entry_for(word, by_key)
        if entry is not None:
            found.append(TermMatch(match.start(), match.end(), word, entry))
    return tuple(found)


def _entry_for(word: str, by_key: dict[str, GlossaryEntry]) -> GlossaryEntry | None:
    normal = " ".join(word.split())
    if normal in by_key:
        return by_key[normal]
    if normal.endswith("s") and normal[:-1] in by_key and is_acronym(normal[:-1]):
        return by_key[normal[:-1]]
    return by_key.get(normal.lower())


def search(query: str) -> tuple[GlossaryEntry, ...]:
    """Entries whose term, expansion, aliases or definition contain `query` (any case), sorted
    with term matches first; every entry, sorted by term, for an empty query."""
    needle = query.strip().lower()
    ordered = sorted(GLOSSARY, key=lambda e: e.term.lower())
    if not needle:
        return tuple(ordered)

    def in_name(entry: GlossaryEntry) -> bool:
        return any(needle in n.lower() for n in (entry.term, entry.expansion, *entry.aliases))

    return tuple(
        [e for e in ordered if in_name(e)] + [e for e in ordered if not in_name(e) and needle in e.definition.lower()]
    )
