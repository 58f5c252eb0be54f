//! `/mydata` (the right of access, GDPR art. 15): everything stored about the person talking,
//! as two documents — a readable text in their language and the same as JSON — and which
//! coordinator views and exports can have included them.

use super::engine::Engine;
use super::reply::{num, text, Arg, Attachment, Line, Reply};
use super::State;
use crate::domain::audit;
use crate::domain::when::format_when;
use crate::domain::Answer;
use crate::msg::Msg;
use serde_json::json;

impl Engine<'_> {
    /// Answers `/mydata` with the two documents.
    pub(super) fn my_data(&mut self, state: &State) {
        let ctx = self.ctx;
        let (config, view, user, lang, now) =
            (ctx.config, ctx.view, ctx.person.user, self.lang, ctx.now);
        let stamp = now.format("%Y-%m-%d").to_string();
        let mut lines = vec![Line::new(
            Msg::MydataTitle,
            vec![("date", text(format_when(now, lang, now)))],
        )];
        lines.push(Line::new(
            Msg::MydataLanguage,
            vec![("language", text(lang.code()))],
        ));
        let state_json = serde_json::to_value(state).unwrap_or_default();
        lines.push(Line::new(
            Msg::MydataState,
            vec![("state", text(state_json.to_string()))],
        ));
        let mut may_appear = Vec::new();

        lines.push(Line::new(
            Msg::MydataRegistrations,
            vec![("count", num(ctx.registrations.len()))],
        ));
        for r in ctx.registrations {
            let Some(group) = config.group(&r.group) else {
                continue;
            };
            lines.push(Line::new(
                Msg::SummaryTitle,
                vec![("group", text(group.name.get(lang)))],
            ));
            lines.extend(self.answer_lines(
                group,
                &r.children,
                Some(&r.area),
                Some(r.lang),
                &r.times,
                r.contact.is_some(),
            ));
            lines.extend(super::registration::note_line(r.note.as_deref()));
            if let Some(c) = &r.contact {
                lines.push(tight(
                    Msg::MydataName,
                    vec![("name", text(super::launch::who_text(c)))],
                ));
            }
            lines.push(tight(
                Msg::MydataSource,
                vec![(
                    "source",
                    r.source
                        .as_ref()
                        .map_or(Arg::Msg(Msg::SourceDirect), |s| text(s.as_str())),
                )],
            ));
            lines.push(tight(
                Msg::MydataSaved,
                vec![
                    ("created", text(format_when(r.created_at, lang, now))),
                    ("updated", text(format_when(r.updated_at, lang, now))),
                ],
            ));
            lines.extend(self.consent_lines(&r.consents));
            let coordinators: Vec<&str> = config
                .coordinators_seeing(crate::domain::remit::Scope::Area(&r.group, &r.area))
                .map(|c| c.name.as_str())
                .collect();
            lines.push(tight(
                Msg::MydataMayAppear,
                vec![
                    ("group", text(group.name.get(lang))),
                    ("coordinators", text(coordinators.join(", "))),
                ],
            ));
            may_appear.push(json!({
                "what": "the group's waiting list (names only with consent), its demand view and chart, and the demand table (counts per area, no names)",
                "group": r.group,
                "coordinators": coordinators,
            }));
        }

        // Registrations shared by both parents: what the family record holds of them (the
        // other parent's own consent, times and name; the holder's link), never the other
        // parent's answers.
        let mut families = Vec::new();
        // For the access log: the family's registration, as of when they joined it (only to
        // match the lists that can have shown them; nothing of it is given out).
        let mut joined_registrations = ctx.registrations.to_vec();
        for f in view.families_of(user) {
            let Some(group) = config.group(&f.group) else {
                continue;
            };
            let name = group.name.get(lang);
            if f.holder == user {
                let said = if f.other.is_some() {
                    Some(Msg::MydataFamilyShared)
                } else {
                    f.link.as_ref().map(|_| Msg::MydataFamilyLink)
                };
                if let Some(msg) = said {
                    lines.push(Line::new(msg, vec![("group", text(name))]));
                }
                families.push(json!({
                    "group": f.group,
                    "role": "registered, shared with the child's other parent",
                    "other_parent_joined": f.other.is_some(),
                    "unused_link_expires_at": f.link.as_ref().map(|l| l.expires_at),
                }));
            } else if let Some(o) = f.other.as_ref().filter(|o| o.user == user) {
                lines.push(Line::new(
                    Msg::MydataFamilyOther,
                    vec![
                        ("group", text(name)),
                        ("joined", text(format_when(o.joined_at, lang, now))),
                    ],
                ));
                lines.extend(self.answer_lines(
                    group,
                    &f.children,
                    Some(&f.area),
                    Some(f.lang),
                    &o.times,
                    o.contact.is_some(),
                ));
                if let Some(c) = &o.contact {
                    lines.push(tight(
                        Msg::MydataName,
                        vec![("name", text(super::launch::who_text(c)))],
                    ));
                }
                lines.extend(super::registration::note_line(o.note.as_deref()));
                lines.extend(self.consent_lines(&o.consents));
                let coordinators: Vec<&str> = config
                    .coordinators_seeing(crate::domain::remit::Scope::Area(&f.group, &f.area))
                    .map(|c| c.name.as_str())
                    .collect();
                families.push(json!({
                    "group": f.group,
                    "role": "the child's other parent, joined through a link",
                    "children": f.children,
                    "area": f.area,
                    "language": f.lang,
                    "joined_at": o.joined_at,
                    "times": o.times,
                    "name_shown": o.contact,
                    "note": o.note,
                    "consents": o.consents,
                }));
                may_appear.push(json!({
                    "what": "the group's waiting list, the launch's answers and final list and its spreadsheet file, with the family (your name only with your consent)",
                    "group": f.group,
                    "coordinators": coordinators,
                }));
                if let Some(mut r) = view.registration(f.holder, &f.group) {
                    r.created_at = r.created_at.max(o.joined_at);
                    joined_registrations.push(r);
                }
            }
        }

        let events: Vec<_> = view
            .events()
            .into_iter()
            .filter(|e| e.attending(user) || e.queued(user) || e.co_parents.contains(&user))
            .collect();
        lines.push(Line::new(
            Msg::MydataEvents,
            vec![("count", num(events.len()))],
        ));
        let mut signups = Vec::new();
        for e in &events {
            // The other parent of a shared family is on its meetings beside the family's
            // seat, for the reminders.
            let status = if e.attending(user) {
                "attending"
            } else if e.queued(user) {
                "waiting"
            } else {
                "family"
            };
            lines.push(tight(
                Msg::MydataEvent,
                vec![
                    ("title", text(e.title.get(lang))),
                    ("when", text(format_when(e.start, lang, now))),
                    ("place", text(e.place.clone())),
                    ("status", text(status)),
                ],
            ));
            let came = e.came.contains(&user);
            if came {
                lines.push(tight(
                    Msg::MydataAttendance,
                    vec![
                        ("title", text(e.title.get(lang))),
                        ("when", text(format_when(e.start, lang, now))),
                    ],
                ));
            }
            // The consent behind the sign-up (none for a launch's meeting, which accepting the
            // invitation signs up for under the registration's consent).
            let signup = view.signup_of(e.id, user);
            if let Some(s) = &signup {
                lines.extend(self.consent_lines(&s.consents));
            }
            signups.push(json!({
                "consent": signup.as_ref().map(|s| s.consents),
                "name_shown": signup.as_ref().and_then(|s| s.contact.clone()),
                "event": e.id,
                "title": e.title.get(lang),
                "start": e.start,
                "place": e.place,
                "status": status,
                "came": came,
            }));
            may_appear.push(json!({
                "what": "the event's sign-up list, seen by its organiser and used for broadcasts to it",
                "event": e.id,
            }));
        }

        let mut feedback = Vec::new();
        for e in view.events() {
            if let Some(f) = view.feedback_of(e.id, user) {
                lines.push(tight(
                    Msg::MydataFeedback,
                    vec![
                        ("title", text(e.title.get(lang))),
                        ("answers", feedback_answers(&f)),
                    ],
                ));
                feedback.push(json!({ "event": e.id, "feedback": f }));
                may_appear.push(json!({
                    "what": "the event's feedback report (answers counted, comments without names; with fewer than 5 answers only their count)",
                    "event": e.id,
                }));
            }
        }

        let mut invitations = Vec::new();
        for l in view.launches() {
            // Their own invitation, or their family's (with their own answer).
            let Some(inv) = l.family_invitation(user) else {
                continue;
            };
            let own = l.own_answer(user).unwrap_or(inv.answer);
            let group = config
                .group(&l.pool.group)
                .map_or_else(|| l.pool.group.to_string(), |g| g.name.get(lang).to_owned());
            let answer = match own {
                Answer::Pending => "pending",
                Answer::Accepted => "accepted",
                Answer::Declined => "declined",
                Answer::Expired => "expired",
                Answer::Withdrawn => "withdrawn",
            };
            lines.push(tight(
                Msg::MydataInvitation,
                vec![
                    ("group", text(group)),
                    ("when", text(format_when(l.start, lang, now))),
                    ("answer", text(answer)),
                ],
            ));
            invitations.push(json!({
                "launch": l.id,
                "group": l.pool.group,
                "area": l.pool.area,
                "start": l.start,
                "place": l.place,
                "answer": answer,
            }));
            may_appear.push(json!({
                "what": "the launch's answers and final list, and its spreadsheet file (names only with consent)",
                "launch": l.id,
            }));
        }
        // As a facilitator: the record they gave with their consent.
        let facilitators = view.facilitators();
        let as_facilitator = facilitators.iter().find(|f| f.user == user);
        if let Some(f) = as_facilitator {
            let groups: Vec<String> = f.groups.iter().map(|g| self.group_name(g)).collect();
            lines.push(Line::new(
                Msg::MydataFacilitator,
                vec![
                    ("name", text(f.name.clone())),
                    ("groups", text(groups.join(", "))),
                ],
            ));
            lines.push(tight(
                Msg::MydataConsent,
                vec![
                    ("at", text(format_when(f.consent.at, lang, now))),
                    ("version", num(f.consent.version)),
                ],
            ));
        }
        // Who has seen them: the access log's entries that can have included them.
        let event_ids: Vec<u64> = events.iter().map(|e| e.id).collect();
        let launch_ids: Vec<u64> = view
            .launches()
            .iter()
            .filter(|l| l.family_invitation(user).is_some())
            .map(|l| l.id)
            .collect();
        let involvement = audit::Involvement {
            registrations: &joined_registrations,
            events: &event_ids,
            launches: &launch_ids,
        };
        let seen: Vec<audit::Access> = view
            .access_log()
            .into_iter()
            .filter(|a| audit::included(a, involvement))
            .collect();
        lines.push(Line::new(
            if seen.is_empty() {
                Msg::MydataAuditNone
            } else {
                Msg::MydataAudit
            },
            vec![("months", num(config.audit_months))],
        ));
        let mut seen_by = Vec::new();
        for a in &seen {
            // The name in the role they saw it in.
            let as_coordinator = || config.coordinator(a.who).map(|c| c.name.clone());
            let as_facilitator = || {
                facilitators
                    .iter()
                    .find(|f| f.user == a.who)
                    .map(|f| f.name.clone())
                    .or_else(|| {
                        config
                            .facilitators
                            .iter()
                            .find(|f| f.telegram_id == a.who)
                            .map(|f| f.name.clone())
                    })
            };
            let name = match a.role {
                audit::Role::Coordinator => as_coordinator(),
                audit::Role::Facilitator => as_facilitator(),
            };
            let what = match a.what {
                audit::Accessed::List if a.launch.is_some() => "launch",
                audit::Accessed::List => "list",
                audit::Accessed::Attendance => "attendance",
                audit::Accessed::Export => "export",
                audit::Accessed::Broadcast => "broadcast",
                // Never about a parent's own registration (audit::included leaves them out).
                audit::Accessed::Added | audit::Accessed::Changed | audit::Accessed::ForFamily => {
                    "family"
                }
            };
            lines.push(tight(
                Msg::MydataSeen,
                vec![
                    ("at", text(format_when(a.at, lang, now))),
                    ("who", self.seen_by(a.role, name.clone())),
                    ("what", text(what)),
                ],
            ));
            seen_by.push(json!({
                "at": a.at,
                "coordinator": name,
                "role": a.role,
                "what": what,
                "group": a.group,
                "area": a.area,
                "event": a.event,
                "launch": a.launch,
                "people": a.people,
            }));
        }

        let document = json!({
            "user_id": user.0,
            "generated_at": now,
            "language": lang.code(),
            "conversation_state": state_json,
            "registrations": ctx.registrations,
            "shared_registrations": families,
            "event_signups": signups,
            "feedback": feedback,
            "invitations": invitations,
            "may_appear_in": may_appear,
            "seen_by": seen_by,
            "facilitator": as_facilitator,
        });
        let json = serde_json::to_string_pretty(&document).unwrap_or_default();
        self.say(Reply::msg(Msg::MydataCaption).attach(Attachment::TextFile {
            file_name: format!("kokoon-{stamp}.txt"),
            lines,
        }));
        self.say(
            Reply::msg(Msg::MydataJsonCaption).attach(Attachment::JsonFile {
                file_name: format!("kokoon-{stamp}.json"),
                json,
            }),
        );
    }
}

impl Engine<'_> {
    /// Who saw a parent's data, as `/mydata` names them: a coordinator by name, a facilitator
    /// by name and role, someone no longer known by their former role.
    fn seen_by(&self, role: audit::Role, name: Option<String>) -> Arg {
        match (role, name) {
            (audit::Role::Coordinator, Some(name)) => text(name),
            (audit::Role::Facilitator, Some(name)) => {
                Arg::Join(vec![text(name), Arg::Msg(Msg::MydataAsFacilitator)], " ")
            }
            (audit::Role::Coordinator, None) => Arg::Msg(Msg::MydataFormerCoordinator),
            (audit::Role::Facilitator, None) => Arg::Msg(Msg::MydataFormerFacilitator),
        }
    }

    /// The lines of a consent record: the required consent, the name-sharing consent and its
    /// withdrawal.
    fn consent_lines(&self, c: &crate::domain::privacy::Consents) -> Vec<Line> {
        let (lang, now) = (self.lang, self.ctx.now);
        let mut lines = Vec::new();
        match c.required {
            Some(c) => lines.push(tight(
                Msg::MydataConsent,
                vec![
                    ("at", text(format_when(c.at, lang, now))),
                    ("version", num(c.version)),
                ],
            )),
            None => lines.push(tight(Msg::MydataConsentUnrecorded, vec![])),
        }
        if let Some(c) = c.share {
            lines.push(tight(
                Msg::MydataShareConsent,
                vec![
                    ("at", text(format_when(c.at, lang, now))),
                    ("version", num(c.version)),
                ],
            ));
        }
        if let Some(at) = c.share_withdrawn {
            lines.push(tight(
                Msg::MydataShareWithdrawn,
                vec![("at", text(format_when(at, lang, now)))],
            ));
        }
        lines
    }
}

fn tight(msg: Msg, args: Vec<(&'static str, Arg)>) -> Line {
    Line {
        msg,
        args,
        tight: true,
    }
}

/// One person's feedback answers, readable: each answered question and the answer.
fn feedback_answers(f: &crate::domain::Feedback) -> Arg {
    use crate::domain::feedback::Useful;
    let pair = |q: Msg, a: Arg| Arg::Join(vec![Arg::Msg(q), a], ": ");
    let mut parts = Vec::new();
    if let Some(u) = f.useful {
        let a = match u {
            Useful::Yes => Msg::ReportAnswerYes,
            Useful::Partly => Msg::ReportAnswerPartly,
            Useful::No => Msg::ReportAnswerNo,
        };
        parts.push(pair(Msg::ReportQUseful, Arg::Msg(a)));
    }
    if let Some(c) = f.go_on {
        let a = if c {
            Msg::ReportAnswerYes
        } else {
            Msg::ReportAnswerNo
        };
        parts.push(pair(Msg::ReportQContinue, Arg::Msg(a)));
    }
    if let Some(r) = f.rating {
        parts.push(pair(Msg::ReportQRating, text(format!("{r}/5"))));
    }
    if let Some(c) = &f.comment {
        parts.push(text(c.clone()));
    }
    Arg::Join(parts, " · ")
}
