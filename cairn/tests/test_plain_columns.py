"""Every text column is encrypted, a keyed hash, a code from a fixed list, or reviewed here.

A new CharField, TextField or JSONField (of Cairn or of an installed library) that is stored
plain fails this test until it is encrypted (lib.crypto) or added below with the reason it may
stay readable in a database dump. Fields with `choices` hold codes from a fixed list and pass
as a rule; keyed-hash columns (lib.blind_index) hold digests, not text.
"""

from django.apps import apps
from django.db import models

REVIEWED = {
    # Django and libraries
    "auth.Permission.name": "Django's permission names",
    "auth.Permission.codename": "Django's permission codes",
    "auth.Group.name": "Django's role group names (unused by Cairn)",
    "contenttypes.ContentType.app_label": "model names",
    "contenttypes.ContentType.model": "model names",
    "sessions.Session.session_key": "session id, as Django looks it up",
    "sessions.Session.session_data": "signed session state: ids and flags, no record text",
    "accounts.AuthenticatorApp.name": 'a device label ("Authenticator app")',
    "axes.AccessFailureLog.user_agent": "sign-in attempt log (django-axes)",
    "axes.AccessFailureLog.username": "sign-in attempt log: the name typed",
    "axes.AccessFailureLog.http_accept": "sign-in attempt log",
    "axes.AccessFailureLog.path_info": "sign-in attempt log: the sign-in path",
    "axes.AccessAttempt.user_agent": "sign-in attempt log",
    "axes.AccessAttempt.username": "sign-in attempt log: the name typed, looked up by lockout",
    "axes.AccessAttempt.http_accept": "sign-in attempt log",
    "axes.AccessAttempt.path_info": "sign-in attempt log: the sign-in path",
    "axes.AccessAttempt.get_data": "sign-in form fields, passwords masked by django-axes",
    "axes.AccessAttempt.post_data": "sign-in form fields, passwords masked by django-axes",
    "axes.AccessLog.user_agent": "sign-in log",
    "axes.AccessLog.username": "sign-in log: the sign-in name",
    "axes.AccessLog.http_accept": "sign-in log",
    "axes.AccessLog.path_info": "sign-in log: the sign-in path",
    "axes.AccessLog.session_hash": "a digest",
    # Audit: who did what to which row, never the values
    "audit.AuditChainHead.last_hash": "a digest",
    "audit.AuditEvent.actor_username": "the staff sign-in name, kept if the account goes",
    "audit.AuditEvent.role": "a role code",
    "audit.AuditEvent.target_type": "a model name",
    "audit.AuditEvent.target_id": "a row id",
    "audit.AuditEvent.changed_fields": "field names only, never their values",
    "audit.AuditEvent.request_id": "a request id",
    "audit.AuditEvent.prev_hash": "a digest",
    "audit.AuditEvent.hash": "a digest",
    # Accounts and the organization
    "accounts.User.password": "a password hash",
    "accounts.User.username": "the sign-in name, looked up at sign-in",
    "accounts.User.first_name": "a name from the admin screens (portal sign-up leaves it blank)",
    "accounts.User.last_name": "a name from the admin screens (portal sign-up leaves it blank)",
    "accounts.User.email": "the sign-in and reset address, looked up by the database",
    "accounts.User.preferred_name": "the name people go by and search by, see README",
    "accounts.User.credentials": "a staff member's credentials, printed on signed notes",
    "accounts.PortalCode.code_hash": "a keyed hash of a one-time code",
    "accounts.CodeThrottle.key": "a keyed hash of an address or account",
    "organizations.Organization.slug": "the program's short name",
    "organizations.Organization.name": "the program's name",
    "organizations.Organization.time_zone": "a time zone name",
    "organizations.Organization.coach_hours": "the program's opening hours",
    "organizations.Team.name": "a staff team's name",
    # Participants
    "participants.Participant.preferred_name": "the name people search by, see README",
    "participants.Participant.phone": "searched by digits, see README",
    "participants.Participant.phone_other": "searched by digits and matched for duplicates",
    "participants.Participant.email": "a contact address, kept plain like the phones",
    "participants.Participant.preferred_language": "a language code, to choose how to write",
    "participants.Participant.interpreter_language": "a language code, to book an interpreter",
    "participants.Participant.contact_channels": "codes from a fixed list (ContactChannel)",
    "participants.Participant.declined": "field names answered 'prefer not to say'",
    # Contacts, plans, assessments, safety
    "groups.Group.meets": "when a group meets ('Tuesdays 6 pm')",
    "encounters.ServiceType.name": "the program's own service names",
    "encounters.Encounter.signer_credentials": "the signer's credentials, printed on the note",
    "encounters.Encounter.content_hash": "a digest of the signed note",
    "encounters.Addendum.content_hash": "a digest of the addendum",
    "coaching.CustomTerm.phrase": "the organization's list of words to avoid",
    "coaching.CustomTerm.suggestion": "the organization's suggested wording",
    "coaching.CustomTerm.reason": "why the organization lists the word",
    "coaching.DisabledEntry.entry_id": "id of a built-in lexicon entry",
    "consent.Consent.categories": "codes from a fixed list (Category)",
    "consent.Disclosure.categories": "codes from a fixed list (Category)",
    "consent.Disclosure.document_sha256": "a digest of the document shared",
    "consent.ConsentScan.content_type": "a file type",
    "consent.ConsentScan.sha256": "a digest of the scan",
    "plans.Goal.domains": "codes from a fixed list (recovery capital domains)",
    "plans.PlanVersion.change": "a fixed phrase written by Cairn ('Added a goal')",
    "assessments.Assessment.instrument": "an instrument code (BARC-10)",
    "assessments.Assessment.instrument_version": "an instrument version",
    "assessments.Assessment.schedule_point": "a schedule point ('day-30')",
    "assessments.ItemResponse.item_key": "an item code of the instrument",
    "assessments.ReassessmentSchedule.instrument": "an instrument code",
    "assessments.ReassessmentSchedule.offsets_days": "numbers of days",
    "assessments.ReassessmentWindow.label": "a schedule point ('day-30')",
    "safety.CrisisLine.name": "a public crisis line",
    "safety.CrisisLine.phone": "a public crisis line's number",
    "safety.CrisisLine.text_number": "a public crisis line's number",
    "safety.CrisisLine.hours": "a public crisis line's hours",
    "safety.CrisisLine.note": "a public crisis line's note",
    # Imports and jobs: the work itself is encrypted (content, problems, results, params)
    "imports.ImportBatch.filename": "the uploaded file's name, shown to its uploader",
    "imports.ImportBatch.encoding": "the detected text encoding",
    "imports.ImportBatch.delimiter": "the detected delimiter",
    "imports.ImportBatch.headers": "the file's column headings, no values",
    "imports.ImportBatch.mapping": "column headings matched to Cairn's field names",
    "imports.ImportedRecord.source_id": "the old system's id, matched in SQL on re-import",
    "cairn_lib.SubmitKey.location": "the path a form's first submit led to (UUIDs, never names)",
    "cairn_lib.SubmitKey.target_id": "the public id (a UUID) of what a form's first submit made",
    "jobs.Job.kind": "a job kind code",
    "jobs.Job.language": "the language code of the page a job was asked from",
    "jobs.Job.title": "a dataset's title written by Cairn",
    "jobs.Job.message": "progress wording written by Cairn",
    "jobs.Job.summary": "counts written by Cairn ('120 rows')",
    "jobs.Job.error": "a calm failure message written by Cairn, never data",
    "jobs.Job.result_name": "a file name written by Cairn",
    "jobs.Job.result_type": "a file type",
    "appointments.CalendarFeed.token_hash": "a SHA-256 of the feed's secret, looked up by value",
    # Texts that come back (the words themselves are encrypted)
    "inbox.Message.provider_message_id": "the SMS provider's id, matched by delivery reports",
    "texting.InboundText.provider_message_id": "the SMS provider's id; unique, so replays repeat",
    "texting.InboundText.from_phone": "the sender's number (E.164), kept plain like the phones",
    # Directory (issue 22): public listings of community services, never a person's data
    # Billing: the program's payers and codes, and the staff's public provider numbers; a
    # participant's member id, authorization number and diagnoses are encrypted.
    "billing.Payer.name": "a payer's name the program keeps (a health plan or a grant)",
    "billing.Payer.payer_id": "the payer's public electronic payer id",
    "billing.Payer.billing_npi": "the program's NPI, public in the national registry",
    "billing.Payer.billing_taxonomy": "a provider taxonomy code from the public code set",
    "billing.Payer.billing_tax_id": "the program's employer id (EIN), not a person's",
    "billing.PayerService.procedure_code": "a HCPCS code from the public code set",
    "billing.PayerService.modifiers": "HCPCS modifiers from the public code set",
    "billing.PayerService.place_of_service": "a CMS place-of-service code",
    "billing.ProviderNumber.npi": "a staff member's NPI, public in the national registry",
    "billing.ProviderNumber.taxonomy": "a provider taxonomy code from the public code set",
    "billing.Authorization.procedure_codes": "HCPCS codes an authorization covers",
    "billing.BillableLine.procedure_code": "a HCPCS code copied from the payer's table",
    "billing.BillableLine.modifiers": "HCPCS modifiers copied from the payer's table",
    "billing.BillableLine.place_of_service": "a CMS place-of-service code",
    "billing.Payer.submitter_id": "the program's submitter id at the payer or clearinghouse",
    "billing.Payer.billing_address": "the program's billing address, not a person's",
    "billing.Payer.billing_city": "the program's billing city",
    "billing.Payer.billing_state": "the program's billing state code",
    "billing.Payer.billing_zip": "the program's billing ZIP code",
    "billing.Payer.billing_contact_name": "the program's billing desk, named for the payer",
    "billing.Payer.billing_contact_phone": "the program's billing phone",
    "billing.Payer.diagnosis_code_when_none": "one ICD-10 code a payer allows for everyone",
    "billing.ClaimBatch.fingerprint": "a SHA-256 of a batch's line ids and codes",
    "billing.BillableLine.adjustments": "CARC group and reason codes from X12's public list",
    "billing.BillableLine.payer_claim_number": "the payer's number for a claim (an id, no text)",
    "billing.Remittance.file_hash": "a SHA-256 of an imported 835, to refuse it twice",
    "billing.Remittance.trace_number": "the payer's check or transfer number (TRN02)",
    "billing.Remittance.payer_name": "the payer's name as its 835 gives it",
    "billing.Remittance.unmatched": "claim and line numbers, codes and amounts; never a name",
    "supervision.Credential.name": "the name of a staff credential (a certification's title)",
    "supervision.Credential.issued_by": "the body that issued a staff credential",
    "supervision.Topic.name": "a supervision topic the program keeps, the same for everyone",
    "supervision.JournalEntry.prompt": "the code of a prompt chosen from a fixed list",
    "supervision.LogSignature.signer_credential": (
        "the name of the signing supervisor's credential (a certification's title), as it read"
    ),
    "supervision.LogSignature.fingerprint": "a SHA-256 of the signed log, hex digits",
    "supervision.TrainingRecord.topic": "the title of a training course a staff member took",
    "supervision.TrainingRecord.provider": "who gave a training course (a training body)",
    "supervision.TrainingCertificate.sha256": "a digest of a certificate's bytes, not the bytes",
    "reachout.ReachOutSettings.words": "the program's list of words, the same for everyone",
    "reachout.ReachOutSettings.work_days": "the weekdays the program works, as numbers",
    "overdose.OutreachPlan.steps": "the program's own steps after an overdose, the same for all",
    "reachout.Signal.reasons": "codes of the reasons a signal was raised (the words are encrypted)",
    "referrals.Referral.categories": "codes from a fixed list (consent Category)",
    "referrals.Referral.token_hash": "a digest of the partner link's secret, looked up by it",
    "referrals.Referral.code_hash": "a keyed hash of the partner's one-time code",
    "directory.ResourceOrganization.name": "a public agency's name in the resource directory",
    "directory.ResourceOrganization.description": "a public agency's description",
    "directory.ResourceOrganization.website": "a public agency's website",
    "directory.ResourceOrganization.email": "a public agency's email address",
    "directory.Service.name": "a public service's name, searched in SQL",
    "directory.Service.description": "a public service's description",
    "directory.Service.url": "a public service's web page",
    "directory.Service.email": "a public service's email address",
    "directory.Service.fees_description": "a public service's fees",
    "directory.Service.eligibility_description": "who a public service is for",
    "directory.Service.application_process": "how to get a public service",
    "directory.Service.accreditations": "a public service's accreditations",
    "directory.Service.service_area": "the area a public service covers",
    "directory.Location.name": "a public service's place name",
    "directory.Location.address_1": "a public service's street address",
    "directory.Location.city": "a public service's city",
    "directory.Location.state_province": "a public service's state",
    "directory.Location.postal_code": "a public service's ZIP code",
    "directory.Location.accessibility": "a public place's accessibility",
    "directory.Phone.number": "a public service's phone number",
    "directory.Phone.description": "a note on a public service's phone number",
    "directory.ResourceOrganization.hsds_id": "a public agency's id in an imported HSDS file",
    "directory.Service.hsds_id": "a public service's id in an imported HSDS file",
    "directory.HsdsImport.filename": "the name of an uploaded file of public listings",
    "directory.HsdsImport.problems": "a dry run's findings in a file of public listings",
    "directory.HsdsImport.not_kept": "field names in an uploaded HSDS file",
    # Webhooks (issue 29): the admin's receivers and deliveries of identifiers; the signing
    # secret is encrypted.
    "webhooks.Subscription.description": "the administrator's name for a receiving system",
    "webhooks.Subscription.url": "the receiving system's address, chosen by the administrator",
    "webhooks.Subscription.event_types": "event type codes from a fixed list",
    "webhooks.Delivery.payload": "an event's ids, type and time only, never participant content",
    "webhooks.Attempt.response_excerpt": "the first 200 characters of a receiver's answer",
    # API tokens: the secret itself is never stored
    "api.ApiToken.name": "what an administrator named a token (a system's name)",
    "api.ApiToken.prefix": "the token's first characters, to recognise it; they open nothing",
    "api.ApiToken.secret_hash": "a digest",
    "api.ApiToken.scopes": "scope names such as participants:read",
    "api.ApiToken.recipient": "the outside organization a service token shares with (no person)",
    "api.ApiToken.purpose": "why a service token's system receives data, as consents word it",
    "api.KeptReply.key_hash": "a digest",
    "api.KeptReply.target_id": "the public id of the record a retried write made",
}

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def _plain_text_columns() -> set[str]:
    found = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT_FIELDS) or field.choices:
                continue
            if getattr(field, "encrypted", False) or getattr(field, "hash_of", ""):
                continue
            found.add(f"{model._meta.label}.{field.name}")
    return found


def test_every_plain_text_column_is_reviewed() -> None:
    unreviewed = sorted(_plain_text_columns() - set(REVIEWED))
    assert not unreviewed, (
        "Plain text columns nobody reviewed: encrypt them (lib.crypto) or add them to "
        f"REVIEWED with the reason they may stay plain: {unreviewed}"
    )


def test_the_review_names_only_columns_that_are_still_plain() -> None:
    stale = sorted(set(REVIEWED) - _plain_text_columns())
    assert not stale, f"Encrypted or gone; remove from REVIEWED: {stale}"


def test_every_reviewed_column_has_a_one_line_reason() -> None:
    assert all(reason.strip() and "\n" not in reason for reason in REVIEWED.values())
