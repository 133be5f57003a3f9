//! The review meeting and the updates around it: the first free business-hours slot
//! inside the reference's 48 hours (and a warning when later), scheduling with attendees
//! (refusals write nothing), the agenda with timeboxes in the Markdown and the PDF, the
//! .ics at the slot with its attendees, the reminder before the meeting, the resolution
//! update's "PIR scheduled for …" and root cause, and the customer-facing templates.
use chrono::{DateTime, Duration, Utc};
use firebreak_api::comms::Template;
use firebreak_api::dto::{DeclareInput, StatusInput};
use firebreak_api::meeting::PirScheduleInput;
use firebreak_api::notify::Stage;
use firebreak_api::pir::PirTextInput;
use firebreak_api::Firebreak;
use firebreak_core::clock::{Clock, SteppingClock};
use firebreak_core::incident::Status;
use std::sync::Arc;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A resolved SEV1 on the api, with the clock at `now` (the protocol preset: Mon–Fri
/// 09:00–17:00 UTC).
fn resolved(now: &str) -> (Firebreak, Arc<SteppingClock>, String) {
    let clock = Arc::new(SteppingClock::new(at(now) - Duration::hours(1)));
    let mut fb = Firebreak::in_memory(Box::new(clock.clone())).unwrap();
    let inc = fb
        .declare(DeclareInput {
            title: "api down".into(),
            severity: "SEV1".into(),
            summary: "API requests failing for ~30% of users".into(),
            services: vec!["api".into()],
            ..Default::default()
        })
        .unwrap();
    clock.set(at(now));
    for status in [Status::Acknowledged, Status::Resolved] {
        fb.set_status(StatusInput { incident: inc.id.clone(), status, at: None }).unwrap();
    }
    (fb, clock, inc.id)
}

fn schedule(fb: &mut Firebreak, id: &str, when: &str, attendees: &[&str]) -> firebreak_api::Result<()> {
    let attendees = attendees.iter().map(|s| s.to_string()).collect();
    fb.pir_schedule(&PirScheduleInput { incident: id.into(), at: when.into(), attendees }).map(|_| ())
}

#[test]
fn the_proposal_is_the_first_free_business_slot_and_warns_past_48_hours() {
    // Tuesday 10:10: the next half hour, 10:30, fits the 50-minute agenda.
    let (mut fb, _, id) = resolved("2026-11-24T10:10:00Z");
    let p = fb.pir_meeting_proposal(&id).unwrap();
    assert_eq!(p.proposed, Some(at("2026-11-24T10:30:00Z")));
    assert_eq!(p.within, at("2026-11-26T10:10:00Z"), "48 hours from resolution");
    assert_eq!(p.length_minutes, 50);
    assert_eq!(p.warning, None);
    // Another incident's meeting at 10:30–11:20 makes 11:00 busy too: 11:30 is next.
    let (other, _) = {
        let inc =
            fb.declare(DeclareInput { title: "db".into(), severity: "SEV2".into(), ..Default::default() }).unwrap();
        (inc.id, ())
    };
    schedule(&mut fb, &other, "2026-11-24T10:30:00Z", &[]).unwrap();
    assert_eq!(fb.pir_meeting_proposal(&id).unwrap().proposed, Some(at("2026-11-24T11:30:00Z")));

    // Friday 16:30: nothing fits before 17:00, the weekend is not working time, so Monday
    // 09:00 — after the 48 hours (Sunday 16:30), which the proposal says.
    let (fb, _, id) = resolved("2026-11-20T16:30:00Z");
    let p = fb.pir_meeting_proposal(&id).unwrap();
    assert_eq!(p.proposed, Some(at("2026-11-23T09:00:00Z")));
    let warning = p.warning.expect("later than 48 hours");
    assert!(warning.contains("within 48 hours"), "{warning}");
}

#[test]
fn a_scheduled_meeting_reaches_the_exports_the_invite_and_the_resolution_update() {
    let (mut fb, clock, id) = resolved("2026-11-24T10:10:00Z");
    let before = fb.comms_draft(&id, Template::Resolution).unwrap();
    assert!(before.contains("PIR due by") && before.contains("to be confirmed"), "{before}");
    schedule(&mut fb, &id, "2026-11-24T14:00:00Z", &["Ann", "bo@example.com"]).unwrap();
    let p = fb.pir(&id).unwrap();
    assert_eq!(p.meeting_at, Some(at("2026-11-24T14:00:00Z")));
    assert_eq!(p.meeting_attendees, vec!["Ann".to_string(), "bo@example.com".to_string()]);
    let note =
        p.incident.timeline.iter().find(|e| e.text.starts_with("PIR meeting scheduled")).expect("on the timeline");
    assert_eq!(note.text, "PIR meeting scheduled for 2026-11-24 14:00 UTC with Ann, bo@example.com");

    let md = fb.pir_markdown(&id).unwrap();
    assert!(md.contains("## Review meeting\n\n2026-11-24 14:00 UTC with Ann, bo@example.com"), "{md}");
    for row in [
        "| 14:00 | Timeline review | 5 min |",
        "| 14:05 | Root cause analysis | 15 min |",
        "| 14:45 | Lessons learned | 5 min |",
    ] {
        assert!(md.contains(row), "{row} in {md}");
    }
    let pdf = format!("{:?}", firebreak_api::pir_pdf::document(&p, "me", clock.now()));
    assert!(pdf.contains("Review meeting") && pdf.contains("Root cause analysis") && pdf.contains("15 min"), "{pdf}");

    let ics = fb.pir_ics(&id, None).unwrap().replace("\r\n ", "");
    assert!(ics.contains("DTSTART:20261124T140000Z"), "{ics}");
    assert!(ics.contains("DTEND:20261124T145000Z"), "{ics}");
    assert!(ics.contains("ATTENDEE;CN=Ann;ROLE=REQ-PARTICIPANT:invalid:nomail"), "{ics}");
    assert!(ics.contains("ATTENDEE;CN=bo@example.com;ROLE=REQ-PARTICIPANT:mailto:bo@example.com"), "{ics}");

    let draft = fb.comms_draft(&id, Template::Resolution).unwrap();
    assert!(draft.contains("PIR scheduled for 2026-11-24 14:00 UTC."), "{draft}");
    assert!(!draft.contains("PIR due by"), "{draft}");
    let parents = vec![];
    fb.pir_edit(PirTextInput {
        incident: id.clone(),
        field: "root_cause".into(),
        text: "Database connection pool exhaustion".into(),
        parents,
    })
    .unwrap();
    let draft = fb.comms_draft(&id, Template::Resolution).unwrap();
    assert!(draft.contains("Root Cause: Database connection pool exhaustion\n"), "{draft}");
}

#[test]
fn bad_schedules_are_refused_on_one_line_and_write_nothing() {
    let (mut fb, _, id) = resolved("2026-11-24T10:10:00Z");
    let ops = fb.store().all_ops().unwrap().len();
    for (when, who, why) in [
        ("tomorrow at ten", vec![], "is not an RFC 3339 time"),
        ("2026-11-23T10:00:00Z", vec![], "is in the past"),
        ("2026-11-25T10:00:00Z", vec!["Ann", "Ann"], "listed twice"),
        ("2026-11-25T10:00:00Z", vec!["  "], "must not be empty"),
        ("2026-11-25T10:00:00Z", vec!["a\nb"], "is not a name"),
        ("2300-01-01T10:00:00Z", vec![], "outside 1970"),
    ] {
        let e = schedule(&mut fb, &id, when, &who).expect_err(why);
        assert!(e.message.contains(why) && !e.message.contains('\n'), "{when}: {}", e.message);
    }
    assert_eq!(fb.store().all_ops().unwrap().len(), ops, "nothing written");
}

#[test]
fn a_reminder_fires_once_before_the_meeting() {
    let (mut fb, clock, id) = resolved("2026-11-24T10:10:00Z");
    schedule(&mut fb, &id, "2026-11-24T14:00:00Z", &["Ann"]).unwrap();
    let meeting = |fb: &mut Firebreak| -> Vec<String> {
        let batch = fb.due_notifications().unwrap();
        batch.notifications.into_iter().filter(|n| n.stage == Stage::MeetingSoon).map(|n| n.title).collect()
    };
    assert!(meeting(&mut fb).is_empty());
    clock.set(at("2026-11-24T13:54:59Z"));
    assert!(meeting(&mut fb).is_empty(), "the lead is 5 minutes");
    clock.set(at("2026-11-24T13:55:00Z"));
    let human = fb.show(&id).unwrap().human_id;
    assert_eq!(meeting(&mut fb), vec![format!("{human} review meeting in 5 min")]);
    assert!(meeting(&mut fb).is_empty(), "once");
}

#[test]
fn customer_templates_speak_to_customers_with_the_policys_own_cadence() {
    let (fb, _, id) = resolved("2026-11-24T10:10:00Z");
    let text = fb.comms_draft(&id, "customer-initial".parse().unwrap()).unwrap();
    assert!(text.starts_with("Customer notice\n") && text.contains("\nStatus page post\n"), "{text}");
    assert!(text.contains("trouble with api") && text.contains("as soon as we know more"), "{text}");
    assert!(!text.contains("SEV1") && !text.contains("Root Cause"), "nothing internal: {text}");
    let done = fb.comms_draft(&id, "customer-resolution".parse().unwrap()).unwrap();
    assert!(done.contains("Resolved: api") && done.contains("lasted 1 hour"), "{done}");
    assert!("customer-apology".parse::<Template>().unwrap_err().message.contains("customer-update"));

    // A policy that gives customers their own cadence: the promise follows it.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("policy.toml");
    let text = firebreak_policy::Policy::preset_toml("protocol").unwrap().replacen(
        "update_cadence = \"30m\"\n",
        "update_cadence = \"30m\"\ncustomer_update_cadence = \"1h\"\n",
        1,
    );
    std::fs::write(&file, text).unwrap();
    let (mut fb, _, id) = resolved("2026-11-24T10:10:00Z");
    fb.use_policy(file.to_str().unwrap()).unwrap();
    let update = fb.comms_draft(&id, "customer-update".parse().unwrap()).unwrap();
    assert!(update.contains("We will post the next update within 1 hour."), "{update}");
}
