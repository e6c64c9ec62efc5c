"""Every model whose changes matter is audited (architecture §13): a new model without history
makes this test fail, unless it is listed here with the reason."""

from django.apps import apps

PROJECT_APPS = {"accounts", "clusters", "deadlines", "emulation", "awards", "reports"}
# Models deliberately not audited, and why. Ballot contents must never be audited.
NOT_AUDITED: dict[str, str] = {
    "awards.DossierEvent": "it is itself the log of dossier transitions, written once",
    "awards.DecisionItem": "written with its decision; an issued decision is frozen",
    "awards.Certificate": "a code for an award record, never edited",
    "deadlines.Notification": "a message to a user; only its read time changes",
    "reports.RenderJob": "a background job's progress and result; what it changes (figures, "
                         "finalized versions) is audited on the report",
    # The council (quality-targets S7, S10): the meeting, its attendance, terms and seats are
    # audited; the votes are not, so that no history row can tie a member to a choice.
    "awards.MeetingEvent": "it is itself the log of a meeting's steps, written once",
    "awards.AgendaItem": "added and removed through MeetingEvent; its counts are written once "
                         "at the close and recomputable from the ballots",
    "awards.Recusal": "automatic ones follow the seats; declared ones are in MeetingEvent",
    "awards.BallotParticipation": "secret ballot: only that a member voted, written once",
    "awards.Ballot": "secret ballot: its contents must never reach an audit table",
    "awards.OpenVote": "a named vote written once with the ballot; never changed",
    "awards.BallotDraft": "a member's unsent choices on open items, replaced until they vote",
    "reports.UnitReportEvent": "it is itself the log of a report's steps, written once",
    # Deadlines and reminders (issue 8): what is edited (deadlines, ladders, preferences) is
    # audited; these rows are logs or caches written by the sweeper, not by people.
    "deadlines.Reminder": "a ladder step materialized by the sweeper; its sending is logged in "
                          "ReminderDelivery",
    "deadlines.ReminderDelivery": "it is itself the log of what was sent to whom and when",
    "deadlines.DigestDelivery": "it is itself the log of the daily digest e-mails",
    "deadlines.Obligation": "a cache of who still owes a deadline, rebuilt from the sources "
                            "on every sweep",
    # Sessions (S6): which session key belongs to whom, so that they can be revoked together.
    "accounts.UserSession": "a pointer to a login session, written at login and deleted with "
                            "it; logins and revocations go to the accounts.sessions log",
}


def test_every_project_model_has_an_audit_history():
    missing = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in PROJECT_APPS or meta.object_name.startswith("Historical"):
            continue
        if meta.label in NOT_AUDITED:
            continue
        if not hasattr(model, "history"):
            missing.append(meta.label)

    assert missing == []


def test_history_records_who_changed_an_organization(world, client):
    client.force_login(world.users.admin)

    client.post(f"/don-vi/{world.coop_hanoi.pk}/doi-ten/",
                {"name": "Hợp tác xã Rau an toàn Hà Nội", "short_name": "", "on_date": "01/01/2026"})

    latest = world.coop_hanoi.history.order_by("-history_date").first()
    assert latest.name == "Hợp tác xã Rau an toàn Hà Nội"
    assert latest.history_user == world.users.admin
    previous = latest.prev_record
    assert previous.name == "Hợp tác xã Rau sạch Hà Nội"
