"""The domain's refusals in the UI language.

Services raise ``ApplicationError`` with English constants (the API and CLI speak English).
The web layer shows each through gettext: the constants are listed here with
``gettext_noop`` so that they are in the Polish catalogue (``tests/web/test_messages.py``
fails when a service's constant is missing here). A message with values filled in
(``{name}``) has no entry and is shown as it is, marked ``lang="en"``. This module imports
no app: the apps import ``web``, never the other way round.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

KNOWN_ERRORS = frozenset(
    {
        gettext_noop("You may not see this page."),
        gettext_noop("You may not work on this record."),
        gettext_noop("Not found."),
        gettext_noop("You may not read this audit log."),
        gettext_noop("Downloads are offered as CSV or XLSX."),
        gettext_noop("You may not invite representatives of this organization."),
        gettext_noop("Only the city administrator may invite cluster coordinators."),
        gettext_noop("This invitation link is not valid."),
        gettext_noop("This invitation has expired."),
        gettext_noop("This invitation has already been accepted."),
        gettext_noop("Sign in with the verified e-mail address the invitation was sent to."),
        gettext_noop("You may not manage contact persons of this record."),
        gettext_noop("You may not record consent for this person."),
        gettext_noop("You may not manage this token."),
        gettext_noop("You may not edit this cluster."),
        gettext_noop("You may not change this cluster's members."),
        gettext_noop("You may not record figures for this cluster."),
        gettext_noop("You may not resolve this data-quality flag."),
        gettext_noop("You may not edit this organization."),
        gettext_noop("Only the city administrator may change an organization's helix role."),
        gettext_noop("This organization already has that role in the cluster."),
        gettext_noop("That membership belongs to another cluster."),
        gettext_noop("This data-quality flag is already resolved."),
        gettext_noop("The website must be an http(s) address."),
        gettext_noop("The year must be between 1800 and 2100."),
        gettext_noop("A figure must be a whole number between 0 and 1,000,000."),
        gettext_noop("The name cannot be empty."),
        gettext_noop("You may not post profiles for this organization."),
        gettext_noop("You may not change this profile."),
        gettext_noop("You may not express interest on behalf of this organization."),
        gettext_noop("Only the profile owner's representatives may answer this interest."),
        gettext_noop("You are not a party to this cooperation."),
        gettext_noop("You may only confirm on behalf of an organization you represent."),
        gettext_noop("The validity date must be in the future."),
        gettext_noop("This profile is closed; post a new one instead."),
        gettext_noop("This profile is already published."),
        gettext_noop("An organization cannot express interest in its own profile."),
        gettext_noop("This organization has already expressed interest in this profile."),
        gettext_noop("Only an accepted interest is a cooperation."),
        gettext_noop("This cooperation is already closed."),
        gettext_noop("A cooperation can be confirmed once it has been closed."),
        gettext_noop("This organization has already confirmed this cooperation."),
        gettext_noop("An organization cannot endorse itself."),
        gettext_noop("The rating must be a whole number from 1 to 5."),
        gettext_noop("You already follow this profile."),
        gettext_noop("Close a published profile instead of deleting it; only drafts are deleted."),
        gettext_noop("Sign in to follow a search."),
        gettext_noop("A followed search needs words to look for or at least one filter."),
        gettext_noop("You already follow this search."),
        gettext_noop("You may only unfollow your own searches."),
        gettext_noop("You may not cancel this invitation."),
        gettext_noop(
            "The person who invited you may no longer grant this role; ask for a new invitation."
        ),
        gettext_noop("You may not revoke this organization's representatives."),
        gettext_noop(
            "Nobody may invite themselves: ask someone else with authority to invite you."
        ),
        gettext_noop(
            "Only the organization's representatives (or the city office, while it has none) "
            "may answer this request."
        ),
        gettext_noop("Only the city administrator may add organizations to the registry."),
        gettext_noop("Only the city administrator may delete an organization."),
        gettext_noop("Only the organization's representatives may take it out of a cluster."),
        gettext_noop("Only the city administrator may rename an organization."),
        gettext_noop("This organization has already been asked to take that role in the cluster."),
        gettext_noop("Sign in with an active account to register an organization."),
        gettext_noop("You may not verify this organization."),
        gettext_noop("This organization is already verified."),
        gettext_noop(
            "This organization is already in the registry: claim it instead of registering it "
            "again."
        ),
        gettext_noop(
            "Organizations with a similar name are in the registry: claim yours if it is one of "
            "them, or confirm that yours is a different one."
        ),
        gettext_noop("Another organization in the registry has this NIP: claim it instead."),
        gettext_noop("Another organization in the registry has this REGON: claim it instead."),
        gettext_noop("Another organization in the registry has this KRS number: claim it instead."),
        gettext_noop("The NIP must be 10 digits with a valid check digit."),
        gettext_noop("The REGON must be 9 or 14 digits with a valid check digit."),
        gettext_noop("The KRS number must be up to 10 digits."),
        gettext_noop("The postal code must look like 20-001."),
        gettext_noop("You may not verify this claim."),
        gettext_noop("Nobody may verify their own claim: a coordinator or the city office does."),
        gettext_noop("You have already asked to represent this organization; wait for the answer."),
        gettext_noop("You already represent this organization."),
        gettext_noop("Too many of your claims wait for verification; wait for an answer first."),
        gettext_noop("This claim has already been decided or withdrawn."),
        gettext_noop("Only the person who made a claim may withdraw it."),
        gettext_noop("Sign in with an active account to claim an organization."),
        gettext_noop("Sign in with an active account to express interest."),
        gettext_noop("Sign in with an active account to send a message."),
        gettext_noop("Only the city administrator may assign clusters to highlands."),
        gettext_noop("This cluster is already in this highland."),
        gettext_noop(
            "Only an assignment made in the workspace can be undone here; the source states "
            "this one."
        ),
        gettext_noop("Nobody can be reached here through the platform yet."),
        gettext_noop("You have sent many messages recently; try again later."),
        gettext_noop(
            "You represent this profile's organization: it cannot be interested in itself."
        ),
        gettext_noop("You have already expressed interest in this profile."),
        gettext_noop(
            "Only cooperations between two organizations are confirmed; this interest came "
            "from a person."
        ),
        # funding
        gettext_noop("Send at least one evidence file."),
        gettext_noop("This organisation is already invited to the consortium."),
        gettext_noop("The organisation is already a member of this cluster."),
        gettext_noop("The organisation already follows this call in its pipeline."),
        gettext_noop("The organisation already has a pending application to this cluster."),
        gettext_noop("Only the organisation's representatives apply on its behalf."),
        gettext_noop("Only the city office and cluster coordinators keep funding calls."),
        gettext_noop("The call is closed; it takes no more applications."),
        gettext_noop("This cluster admits by invitation only; it does not take applications."),
        gettext_noop("The call must open before it closes."),
        gettext_noop("Only the cluster's coordinator (or the city office) decides applications."),
        gettext_noop("Only the applicant's representatives add evidence to its application."),
        gettext_noop("Only the organisation's representatives (or the city office) add evidence."),
        gettext_noop(
            "Only the organisation's representatives (or the city office) state its facts."
        ),
        gettext_noop("You may follow the calls of an organisation you represent or coordinate."),
        gettext_noop("Follow an organisation, some topics, or both."),
        gettext_noop("A granted amount is recorded only when the application is awarded."),
        gettext_noop("The co-financing rate must be a percentage between 1 and 100."),
        gettext_noop("The link is not a valid web address."),
        gettext_noop("Only the invited organisation's representatives answer the invitation."),
        gettext_noop("The lead organisation is already in its consortium."),
        gettext_noop("The owner must be one of the organisation's representatives."),
        gettext_noop("Only the organisation's representatives change its application for funding."),
        gettext_noop("Only the organisation's representatives plan its applications for funding."),
        gettext_noop("Say why the application is rejected."),
        gettext_noop(
            "Only the cluster's coordinator (or the city office) sets its admission rules."
        ),
        gettext_noop(
            "Only a coordinator of one of its clusters (or the city office) verifies facts."
        ),
        gettext_noop("Only the organisation's representatives withdraw its application."),
        # events (events/services.py, events/views.py) and notifications
        gettext_noop("This event is already cancelled."),
        gettext_noop("This registration is already cancelled."),
        gettext_noop("This event is already published."),
        gettext_noop("The per-organisation limit must be a whole number from 1 to the capacity."),
        gettext_noop("The online link must start with https:// or http://."),
        gettext_noop("You may only cancel your own registration."),
        gettext_noop("Only the organisers check people in."),
        gettext_noop("Only the city office organises events of a highland or of the city office."),
        gettext_noop("You are already registered for this event."),
        gettext_noop("The event ends before it starts."),
        gettext_noop("This event is cancelled."),
        gettext_noop("This event has already started; registration is closed."),
        gettext_noop("You may not manage this event."),
        gettext_noop("You may only register on behalf of an organisation you represent."),
        gettext_noop("There is no seat offered to you for this event."),
        gettext_noop("An event needs an organiser: a cluster, a highland or the city office."),
        gettext_noop("No such event."),
        gettext_noop("An event needs a start and an end."),
        gettext_noop("An event needs a title in English or Polish."),
        gettext_noop("You may not organise events for this cluster."),
        gettext_noop("Sign in to register."),
        gettext_noop("The event cannot start in the past."),
        gettext_noop("This ticket code is not valid (forged or damaged)."),
        gettext_noop("This ticket is for another event."),
        gettext_noop("Registration must close before the event ends."),
        gettext_noop("Registration must open before it closes."),
        gettext_noop("There is no certificate for you at this event (it is given after check-in)."),
        gettext_noop("Sign in to see your notifications."),
        gettext_noop("The end of the date range is before its start."),
        gettext_noop("Each attendee of a group needs a name."),
    }
)


def error_message(message: str) -> tuple[str, bool]:
    """A domain error message in the UI language, and whether it could be translated."""
    if message in KNOWN_ERRORS:
        return gettext(message), True
    return message, False
