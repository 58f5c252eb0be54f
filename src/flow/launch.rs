//! From families waiting to a group started: demand at a glance (`/demand`), the waiting list of
//! a pool, CSV export, QR codes for posters, launching a group (the state [`State::Launching`]),
//! and the invited parents' answers. Only users named as coordinators in the config get the
//! coordinators' side; to anyone else these commands and buttons behave exactly like unknown
//! commands and stale buttons, so nothing hints that they exist.

use super::engine::{line, Engine};
use super::reply::{
    button, num, text, text_button, Arg, Attachment, Button, ChartPanel, ChartUnit, Line, Reply,
};
use super::{Callback, Command, Effect, State, Turn};
use crate::config::Group;
use crate::domain::launch::{self, LaunchRequest};
use crate::domain::remit::Scope;
use crate::domain::when::{format_clock, format_when, parse_when, WhenError};
use crate::domain::{Answer, GroupId, Lang, Pool, PoolStats, Registration, Rules};
use crate::msg::Msg;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The longest place name a coordinator may give.
const MAX_PLACE: usize = 200;

/// A launch being prepared by a coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchDraft {
    /// Which group, area and language.
    pub pool: Pool,
    /// The first meeting, once given.
    pub start: Option<DateTime<Utc>>,
    /// When the first meeting ends, once given (asked after the start).
    #[serde(default)]
    pub end: Option<DateTime<Utc>>,
    /// The place, once given.
    pub place: Option<String>,
    /// A question gone back to with Back: asked again with its answer kept.
    #[serde(default)]
    pub again: Option<LaunchQuestion>,
    /// The meetings planned (the group's default from the config; 1: no series is asked).
    #[serde(default = "one")]
    pub count: u32,
    /// Days from one meeting to the next.
    #[serde(default = "weekly")]
    pub every_days: u32,
    /// Weeks (intervals from the first meeting's, which is 1) left out.
    #[serde(default)]
    pub skip: Vec<u32>,
    /// Meetings (1-based) moved to another time.
    #[serde(default)]
    pub moved: Vec<(u32, DateTime<Utc>)>,
    /// Whether the series is asked (the group meets more than once by default).
    #[serde(default)]
    pub series: bool,
    /// Whether the coordinator looked at the series' dates and said they are right.
    #[serde(default)]
    pub series_ok: bool,
    /// The facilitators to ask to take it (chosen in the summary).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facilitators: Vec<crate::domain::UserId>,
    /// The families' invitations wait until a facilitator has said yes.
    #[serde(default)]
    pub hold: bool,
}

fn one() -> u32 {
    1
}

fn weekly() -> u32 {
    7
}

/// The questions of a launch, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LaunchQuestion {
    /// When the first meeting starts.
    When,
    /// When it ends (a time or a length).
    End,
    /// Where it is.
    Place,
    /// The series: how many meetings, how often, weeks left out, meetings moved. Asked only
    /// from the summary's button (the group's default series is in the summary).
    Series,
    /// The summary, to confirm.
    Summary,
}

impl LaunchDraft {
    /// The question being asked: the one gone back to, else the first unanswered.
    #[must_use]
    pub fn asking(&self) -> LaunchQuestion {
        if let Some(q) = self.again {
            q
        } else if self.start.is_none() {
            LaunchQuestion::When
        } else if self.end.is_none() {
            LaunchQuestion::End
        } else if self.place.is_none() {
            LaunchQuestion::Place
        } else {
            LaunchQuestion::Summary
        }
    }

    /// Moves past the question just answered (or kept): the next one, with its answer kept
    /// when it was given before.
    fn forward(&mut self, from: LaunchQuestion) {
        let next = match from {
            LaunchQuestion::When => LaunchQuestion::End,
            LaunchQuestion::End => LaunchQuestion::Place,
            LaunchQuestion::Place | LaunchQuestion::Series | LaunchQuestion::Summary => {
                LaunchQuestion::Summary
            }
        };
        self.again = None;
        if next != LaunchQuestion::Summary && next != self.asking() {
            self.again = Some(next);
        }
    }
}

/// A command, text or button of the launch part.
pub(super) fn step(e: &mut Engine<'_>, state: State, turn: Turn) -> State {
    match turn {
        Turn::Command(c) => e.launch_command(state, c),
        Turn::Text(t) => match state {
            State::Launching(d) if e.may_pool(&d.pool) => e.launch_text(d, &t),
            _ if !e.is_coordinator() => e.not_a_coordinator(),
            other => e.hint(other, Msg::HintUseButtons),
        },
        Turn::Button(Callback::Invite(id, accept)) => e.invitation_answer(state, id, accept),
        Turn::Button(cb) => e.coordinator_button(state, cb),
    }
}

impl<'a> Engine<'a> {
    /// A coordinator's command of this part (the caller checked that they are one).
    fn launch_command(&mut self, state: State, c: Command) -> State {
        match c {
            Command::Demand => self.demand(),
            Command::Export => self.export(),
            Command::Qr => {
                let mut r = Reply::msg(Msg::QrChoose);
                for g in self.my_groups() {
                    r = r.row(vec![text_button(
                        g.name.get(self.lang),
                        Callback::Qr(g.id.clone()),
                    )]);
                }
                self.say(r);
            }
            Command::Launch => self.launch_menu(),
            _ => return self.hint(state, Msg::HintUnknownCommand),
        }
        state
    }

    /// A coordinator's button. Anyone else pressing one (forged, or a coordinator removed from
    /// the config since) gets the same answer as for any stale button.
    fn coordinator_button(&mut self, state: State, cb: Callback) -> State {
        match cb {
            Callback::PoolList(pool) if self.may_pool(&pool) => {
                self.list(&pool);
                state
            }
            Callback::PoolLaunch(pool) if self.may_pool(&pool) => {
                let (count, every_days) = self
                    .ctx
                    .config
                    .group(&pool.group)
                    .map_or((1, 7), |g| (g.meetings, g.interval_days));
                let d = LaunchDraft {
                    pool,
                    start: None,
                    end: None,
                    place: None,
                    again: None,
                    count,
                    every_days,
                    skip: Vec::new(),
                    moved: Vec::new(),
                    series: count > 1,
                    series_ok: false,
                    facilitators: Vec::new(),
                    // With facilitators chosen, the invitations wait for a yes unless the
                    // coordinator says otherwise.
                    hold: true,
                };
                let q = self.launch_question(&d);
                self.say(q);
                State::Launching(d)
            }
            Callback::Qr(g) if self.may(Scope::Group(&g)) => {
                self.qr(&g);
                state
            }
            Callback::ExportLaunch(id) => match self.ctx.view.launch(id) {
                Some(l) if self.may_pool(&l.pool) => {
                    self.export_launch(&l);
                    state
                }
                _ => self.hint(state, Msg::HintStaleButton),
            },
            Callback::LaunchConfirm => match state {
                State::Launching(d)
                    if self.may_pool(&d.pool) && d.asking() == LaunchQuestion::Summary =>
                {
                    self.launch_confirm(d)
                }
                other => self.hint(other, Msg::HintStaleButton),
            },
            Callback::Back => match state {
                State::Launching(mut d) if self.may_pool(&d.pool) => {
                    let to = match d.asking() {
                        LaunchQuestion::When => None,
                        LaunchQuestion::End => Some(LaunchQuestion::When),
                        LaunchQuestion::Place => Some(LaunchQuestion::End),
                        LaunchQuestion::Series => Some(LaunchQuestion::Summary),
                        LaunchQuestion::Summary => Some(LaunchQuestion::Place),
                    };
                    match to {
                        Some(LaunchQuestion::Summary) => {
                            d.again = None;
                            let r = self.launch_question(&d);
                            self.say(r);
                            State::Launching(d)
                        }
                        Some(q) => {
                            d.again = Some(q);
                            let r = self.launch_question(&d);
                            self.say(r);
                            State::Launching(d)
                        }
                        None => self.hint(State::Launching(d), Msg::HintStaleButton),
                    }
                }
                other => self.hint(other, Msg::HintStaleButton),
            },
            Callback::SeriesChange => match state {
                State::Launching(mut d)
                    if self.may_pool(&d.pool)
                        && d.series
                        && d.asking() == LaunchQuestion::Summary =>
                {
                    d.again = Some(LaunchQuestion::Series);
                    let r = self.launch_question(&d);
                    self.say(r);
                    State::Launching(d)
                }
                other => self.hint(other, Msg::HintStaleButton),
            },
            Callback::SeriesOk => match state {
                State::Launching(mut d)
                    if self.may_pool(&d.pool) && d.asking() == LaunchQuestion::Series =>
                {
                    d.series_ok = true;
                    d.again = None;
                    let r = self.launch_question(&d);
                    self.say(r);
                    State::Launching(d)
                }
                other => self.hint(other, Msg::HintStaleButton),
            },
            Callback::SeriesEvery(days) => match state {
                State::Launching(mut d)
                    if self.may_pool(&d.pool) && d.asking() == LaunchQuestion::Series =>
                {
                    let r = match super::series::set_every(&mut d, days) {
                        Ok(()) => self.launch_question(&d),
                        Err(msg) => self.launch_question(&d).after(vec![line(msg)]),
                    };
                    self.say(r);
                    State::Launching(d)
                }
                other => self.hint(other, Msg::HintStaleButton),
            },
            Callback::GoOn => match state {
                State::Launching(mut d) if self.may_pool(&d.pool) && d.again.is_some() => {
                    let from = d.asking();
                    d.forward(from);
                    let r = self.launch_question(&d);
                    self.say(r);
                    State::Launching(d)
                }
                other => self.hint(other, Msg::HintStaleButton),
            },
            _ => self.hint(state, Msg::HintStaleButton),
        }
    }

    // ---- demand ----

    /// A group's pools with families waiting, in the areas the coordinator sees: areas as
    /// offered to the reader (home first, then by name in their language), then language.
    /// Demand, the chart, the export, the launch menu and the broadcast menu read them here.
    pub(super) fn ordered(&self, group: &Group) -> Vec<(Pool, PoolStats)> {
        let areas = self.ctx.config.areas_in(&group.areas, self.lang);
        let mut v = self.ctx.view.pools(&group.id);
        v.retain(|(p, _)| self.may_pool(p));
        v.sort_by_key(|(p, _)| {
            (
                areas
                    .iter()
                    .position(|a| a.id == p.area)
                    .unwrap_or(usize::MAX),
                p.lang,
            )
        });
        v
    }

    pub(super) fn pool_label(&self, pool: &Pool) -> Arg {
        let area = self.ctx.config.area(&pool.area).map_or_else(
            || pool.area.to_string(),
            |a| a.name.get(self.lang).to_owned(),
        );
        match pool.lang {
            Some(l) => Arg::Join(
                vec![
                    Arg::Text(area),
                    Arg::Join(
                        vec![
                            Arg::Text("(".into()),
                            Arg::Msg(group_lang_msg(l)),
                            Arg::Text(")".into()),
                        ],
                        "",
                    ),
                ],
                " ",
            ),
            None => Arg::Text(area),
        }
    }

    /// Every group the coordinator coordinates in one reply: one text (split only where it
    /// passes Telegram's 4,096 characters) with the areas' buttons, and one image with every
    /// group's chart, which carries the text (or its last part) as its caption where that fits
    /// in 1,024 characters: one or two messages, however many groups, where one text and one
    /// chart per group made a dozen, paced a second apart.
    fn demand(&mut self) {
        let groups = self.my_groups();
        let mut r = Reply::default();
        let mut panels = Vec::new();
        // (how near the threshold, order) → the pool's buttons.
        let mut rows: Vec<(u64, usize, Vec<Button>)> = Vec::new();
        for group in groups {
            let mut pools = self.ordered(group);
            // A group counted per language lists its areas under each language (every line
            // naming its language made the view a message longer).
            pools.sort_by_key(|(p, _)| p.lang);
            r = r.line(
                Msg::DemandTitle,
                vec![
                    ("group", text(group.name.get(self.lang))),
                    ("threshold", num(group.threshold)),
                    ("kind", kind(group)),
                ],
            );
            let paused = self.ctx.view.paused(&group.id);
            let paused_line = Line {
                msg: Msg::DemandPaused,
                args: vec![
                    ("families", num(paused.families)),
                    ("count", num(paused.participants)),
                    ("kind", kind(group)),
                ],
                tight: true,
            };
            if pools.is_empty() {
                r = r.line(Msg::DemandNone, vec![]);
                if paused.families > 0 {
                    r.lines.push(paused_line);
                }
                continue;
            }
            // What each figure of an area line counts, said once above the lines.
            r.lines.push(Line {
                msg: Msg::DemandColumns,
                args: vec![("threshold", num(group.threshold)), ("kind", kind(group))],
                tight: true,
            });
            let mut bars = Vec::new();
            let mut total = PoolStats::default();
            let mut heading = None;
            for (pool, stats) in &pools {
                let mut args = self.stats_args(group, pool, stats);
                if let Some(lang) = pool.lang {
                    if heading != Some(lang) {
                        heading = Some(lang);
                        r.lines.push(Line {
                            msg: Msg::Plain,
                            args: vec![(
                                "text",
                                Arg::Join(
                                    vec![Arg::Msg(group_lang_msg(lang)), Arg::Text(":".into())],
                                    "",
                                ),
                            )],
                            tight: true,
                        });
                    }
                    let area = self.ctx.config.area(&pool.area).map_or_else(
                        || pool.area.to_string(),
                        |a| a.name.get(self.lang).to_owned(),
                    );
                    for (k, v) in &mut args {
                        if *k == "area" {
                            *v = Arg::Text(area.clone());
                        }
                    }
                }
                r.lines.push(Line {
                    msg: Msg::DemandPoolLine,
                    args,
                    tight: true,
                });
                add_stats(&mut total, stats);
                let nearness = (stats.participants as u64).saturating_mul(1000)
                    / u64::from(group.threshold.max(1));
                rows.push((
                    nearness,
                    rows.len(),
                    vec![
                        Button {
                            label: super::Label::MsgArgs(
                                Msg::BtnList,
                                vec![("area", self.pool_label(pool))],
                            ),
                            callback: Callback::PoolList(pool.clone()),
                        },
                        Button {
                            label: super::Label::MsgArgs(
                                Msg::BtnLaunch,
                                vec![("area", self.pool_label(pool))],
                            ),
                            callback: Callback::PoolLaunch(pool.clone()),
                        },
                    ],
                ));
                bars.push((
                    text(plain_label(&self.pool_label(pool), self.lang)),
                    u32::try_from(stats.participants).unwrap_or(u32::MAX),
                ));
            }
            let args = self.stats_args(group, &pools[0].0, &total);
            let details: Vec<(&'static str, Arg)> = args
                .into_iter()
                .filter(|(k, _)| matches!(*k, "times" | "langs"))
                .collect();
            r.lines.push(Line {
                msg: Msg::DemandGroupDetails,
                args: details,
                tight: true,
            });
            r.lines.push(Line {
                msg: Msg::DemandSources,
                args: vec![("sources", sources_arg(&total))],
                tight: true,
            });
            if paused.families > 0 {
                r.lines.push(paused_line);
            }
            panels.push(ChartPanel {
                title: group.name.get(self.lang).to_owned(),
                bars,
                threshold: group.threshold,
                unit: if group.children.is_some() {
                    ChartUnit::Children
                } else {
                    ChartUnit::Adults
                },
            });
        }
        // Telegram takes at most 100 buttons under a message: the areas nearest their
        // threshold keep theirs (the others are a tap away in /launch).
        if rows.len() > MAX_POOL_ROWS {
            rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            rows.truncate(MAX_POOL_ROWS);
            rows.sort_by_key(|row| row.1);
        }
        for (_, _, row) in rows {
            r = r.row(row);
        }
        if let Some(first) = r.lines.first_mut() {
            first.tight = true;
        }
        // The charts come with the text, as one image under which the text is its caption
        // where that fits (else its last part: the Telegram adapter lays it out).
        if !panels.is_empty() {
            r.attachment = Some(Attachment::Charts(panels));
        }
        self.say(r);
    }

    /// The arguments describing a pool's demand: shared by `/demand` and the alert.
    pub(super) fn stats_args(
        &self,
        group: &Group,
        pool: &Pool,
        s: &PoolStats,
    ) -> Vec<(&'static str, Arg)> {
        let c = self.ctx.config;
        let ages = match s.age_span(crate::domain::child::today(self.ctx.now)) {
            Some((a, b)) if a == b => a.to_string(),
            Some((a, b)) => format!("{a}–{b}"),
            None => String::new(),
        };
        let times = Arg::Join(
            group
                .times
                .iter()
                .filter_map(|t| Some((c.time(t)?, *s.times.get(t)?)))
                .map(|(t, n)| Arg::Text(format!("{} {n}", t.name.get(self.lang))))
                .collect(),
            ", ",
        );
        let langs = Arg::Join(
            s.langs
                .iter()
                .map(|(l, n)| {
                    Arg::Join(
                        vec![Arg::Msg(group_lang_msg(*l)), Arg::Text(n.to_string())],
                        " ",
                    )
                })
                .collect(),
            ", ",
        );
        vec![
            ("area", self.pool_label(pool)),
            ("bar", text(progress_bar(s.participants, group.threshold))),
            ("count", num(s.participants)),
            ("threshold", num(group.threshold)),
            ("families", num(s.families)),
            ("kind", kind(group)),
            ("ages", text(ages)),
            ("times", times),
            ("langs", langs),
        ]
    }

    fn list(&mut self, pool: &Pool) {
        let Some(group) = self.ctx.config.group(&pool.group) else {
            return;
        };
        let regs: Vec<Registration> = self
            .ctx
            .view
            .waiting(&pool.group)
            .into_iter()
            .filter(|r| &self.ctx.config.pool_of(r) == pool)
            .collect();
        self.audit(
            crate::domain::audit::Accessed::List,
            Some(pool),
            None,
            regs.len(),
        );
        let mut r = Reply::default().line(
            Msg::ListTitle,
            vec![
                ("group", text(group.name.get(self.lang))),
                ("area", self.pool_label(pool)),
            ],
        );
        if regs.is_empty() {
            r = r.line(Msg::ListEmpty, vec![]);
        }
        // One family, two contacts: the other parent's name too, with their own consent.
        let families = self.ctx.view.families_in(&pool.group);
        // The same children's ages side by side: perhaps one child registered by each parent
        // on their own, for the coordinator to merge by hand.
        for (i, (reg, same)) in crate::domain::family::side_by_side(&regs)
            .into_iter()
            .enumerate()
        {
            r.lines.push(Line {
                msg: Msg::ListItem,
                args: self.family_args(i + 1, group, reg, &families),
                tight: i > 0,
            });
            if let Some(first) = same {
                r.lines.push(Line {
                    msg: Msg::ListSameAges,
                    args: vec![("n", num(first + 1))],
                    tight: true,
                });
            }
            // The parents' private notes: only here, to the coordinators who see this pool.
            // A family both parents share: each note labelled with whose it is (a name only
            // with that parent's own consent).
            let other = families
                .iter()
                .find(|f| f.holder == reg.user && f.group == reg.group)
                .and_then(|f| f.other.as_ref());
            let note = |n: &str| text(crate::domain::text::clean(n).into_owned());
            match (other, &reg.note) {
                (None, Some(n)) => r.lines.push(Line {
                    msg: Msg::ListNote,
                    args: vec![("note", note(n))],
                    tight: true,
                }),
                (Some(_), Some(n)) => r.lines.push(Line {
                    msg: Msg::ListNoteFrom,
                    args: vec![
                        (
                            "who",
                            reg.contact
                                .as_ref()
                                .map_or(Arg::Msg(Msg::NoteByHolder), |c| text(c.name.clone())),
                        ),
                        ("note", note(n)),
                    ],
                    tight: true,
                }),
                _ => {}
            }
            if let Some(o) = other {
                if let Some(n) = &o.note {
                    r.lines.push(Line {
                        msg: Msg::ListNoteFrom,
                        args: vec![
                            (
                                "who",
                                o.contact
                                    .as_ref()
                                    .map_or(Arg::Msg(Msg::NoteByOther), |c| text(c.name.clone())),
                            ),
                            ("note", note(n)),
                        ],
                        tight: true,
                    });
                }
            }
        }
        self.say(r.row(vec![Button {
            label: super::Label::MsgArgs(Msg::BtnLaunch, vec![("area", self.pool_label(pool))]),
            callback: Callback::PoolLaunch(pool.clone()),
        }]));
    }

    fn family_args(
        &self,
        n: usize,
        group: &Group,
        r: &Registration,
        families: &[crate::domain::family::Family],
    ) -> Vec<(&'static str, Arg)> {
        let c = self.ctx.config;
        let times: Vec<&str> = r
            .times
            .iter()
            .filter_map(|t| c.time(t))
            .map(|t| t.name.get(self.lang))
            .collect();
        vec![
            ("n", num(n)),
            ("kind", kind(group)),
            ("count", num(r.participants())),
            (
                "ages",
                text(super::registration::ages_text(&r.children, self.ctx.now)),
            ),
            ("language", Arg::Msg(group_lang_msg(r.lang))),
            ("times", text(times.join(", "))),
            (
                "since",
                text(crate::domain::when::format_date(
                    r.created_at,
                    self.lang,
                    self.ctx.now,
                )),
            ),
            ("who", family_who(r, families)),
        ]
    }

    // ---- export and QR ----

    fn export(&mut self) {
        let c = self.ctx.config;
        let mut rows = Vec::new();
        for group in self.my_groups() {
            for (pool, s) in &self.ordered(group) {
                let ages: Vec<String> = s
                    .ages_on(crate::domain::child::today(self.ctx.now))
                    .iter()
                    .map(|(a, n)| format!("{a}:{n}"))
                    .collect();
                let times: Vec<String> = s
                    .times
                    .iter()
                    .map(|(t, n)| {
                        format!(
                            "{}:{n}",
                            c.time(t).map_or(t.as_str(), |x| x.name.get(self.lang))
                        )
                    })
                    .collect();
                let sources: Vec<String> = s
                    .sources
                    .iter()
                    .filter_map(|(src, n)| Some(format!("{}:{n}", src.as_ref()?.as_str())))
                    .collect();
                // Families added by hand came by no link, but not directly either.
                let direct = s
                    .sources
                    .get(&None)
                    .copied()
                    .unwrap_or(0)
                    .saturating_sub(s.added);
                let langs: Vec<String> = s
                    .langs
                    .iter()
                    .map(|(l, n)| format!("{}:{n}", l.code()))
                    .collect();
                let cells = [
                    group.name.get(self.lang).to_owned(),
                    c.area(&pool.area)
                        .map_or(pool.area.to_string(), |a| a.name.get(self.lang).to_owned()),
                    pool.lang
                        .map_or_else(|| langs.join(" "), |l| l.code().to_owned()),
                    s.families.to_string(),
                    s.participants.to_string(),
                    group.threshold.to_string(),
                    ages.join(" "),
                    times.join(" "),
                    sources.join(" "),
                    direct.to_string(),
                    s.added.to_string(),
                ];
                rows.push(cells.into_iter().map(Arg::Text).collect());
            }
        }
        // One entry per pool exported: each names the families' group and area.
        let pools: Vec<(Pool, usize)> = self
            .my_groups()
            .iter()
            .flat_map(|g| self.ordered(g))
            .map(|(p, s)| (p, s.families))
            .collect();
        for (pool, families) in &pools {
            self.audit(
                crate::domain::audit::Accessed::Export,
                Some(pool),
                None,
                *families,
            );
        }
        self.say(Reply {
            lines: vec![Line::new(
                Msg::ExportCaption,
                vec![("rows", num(rows.len()))],
            )],
            attachment: Some(Attachment::Csv {
                file_name: "kokoon-demand.csv".into(),
                header: vec![
                    Msg::CsvGroup,
                    Msg::CsvArea,
                    Msg::CsvLanguage,
                    Msg::CsvFamilies,
                    Msg::CsvParticipants,
                    Msg::CsvThreshold,
                    Msg::CsvAges,
                    Msg::CsvTimes,
                    Msg::CsvSources,
                    Msg::CsvDirect,
                    Msg::CsvAdded,
                ],
                rows,
            }),
            ..Reply::default()
        });
    }

    fn export_launch(&mut self, l: &crate::domain::Launch) {
        let group = self.ctx.config.group(&l.pool.group);
        let families = self.ctx.view.families_in(&l.pool.group);
        let mut rows = Vec::new();
        for inv in &l.invitations {
            let reg = self.ctx.view.registration(inv.user, &l.pool.group);
            // A family added by hand: its label, marked as added.
            let name = reg.as_ref().filter(|r| r.added.is_some()).map(who);
            // Otherwise one row per family: both parents' names, each with their own consent.
            let contacts = reg
                .as_ref()
                .map(|r| crate::domain::family::contacts(r, &families))
                .unwrap_or_default();
            let plain_name = contacts
                .iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
                .join(" & ");
            let username = contacts
                .iter()
                .filter_map(|c| c.username.clone())
                .collect::<Vec<_>>()
                .join(" & ");
            rows.push(vec![
                name.unwrap_or(Arg::Text(plain_name)),
                Arg::Text(username),
                Arg::Text(inv.participants.to_string()),
                Arg::Msg(answer_msg(inv.answer)),
            ]);
        }
        self.audit(
            crate::domain::audit::Accessed::Export,
            Some(&l.pool),
            Some(l.id),
            l.invitations.len(),
        );
        let name = group.map_or_else(
            || l.pool.group.to_string(),
            |g| g.name.get(self.lang).to_owned(),
        );
        self.say(Reply {
            lines: vec![Line::new(
                Msg::ExportLaunchCaption,
                vec![("group", text(name)), ("area", self.pool_label(&l.pool))],
            )],
            attachment: Some(Attachment::Csv {
                file_name: format!("kokoon-launch-{}.csv", l.id),
                header: vec![
                    Msg::CsvName,
                    Msg::CsvUsername,
                    Msg::CsvParticipants,
                    Msg::CsvAnswer,
                ],
                rows,
            }),
            ..Reply::default()
        });
    }

    fn qr(&mut self, g: &GroupId) {
        let Some(group) = self.ctx.config.group(g) else {
            return;
        };
        let link = crate::domain::deep_link(
            &self.ctx.config.bot_username,
            &crate::domain::StartPayload::Group {
                group: g.clone(),
                source: None,
            },
        );
        self.say(Reply {
            lines: vec![Line::new(
                Msg::QrCaption,
                vec![
                    ("group", text(group.name.get(self.lang))),
                    ("link", text(link.clone())),
                ],
            )],
            attachment: Some(Attachment::Qr {
                file_name: format!("kokoon-{g}"),
                link,
            }),
            ..Reply::default()
        });
    }

    // ---- launching ----

    fn launch_menu(&mut self) {
        let mut r = Reply::msg(Msg::LaunchChoose);
        let mut any = false;
        for group in self.my_groups() {
            for (pool, s) in &self.ordered(group) {
                any = true;
                r = r.row(vec![Button {
                    label: super::Label::MsgArgs(
                        Msg::BtnLaunchPool,
                        vec![
                            ("group", text(group.name.get(self.lang))),
                            ("area", self.pool_label(pool)),
                            ("count", num(s.participants)),
                            ("threshold", num(group.threshold)),
                        ],
                    ),
                    callback: Callback::PoolLaunch(pool.clone()),
                }]);
            }
        }
        if !any {
            r = Reply::msg(Msg::LaunchNothing);
        }
        self.say(r);
    }

    /// The next question of a launch being prepared.
    pub(super) fn launch_question(&self, d: &LaunchDraft) -> Reply {
        let Some(group) = self.ctx.config.group(&d.pool.group) else {
            return Reply::msg(Msg::HintGroupGone);
        };
        let name = text(group.name.get(self.lang));
        // Under every question after the first: Back and Cancel; under one gone back to,
        // first a button that keeps its answer.
        let back_cancel = vec![
            button(Msg::BtnBack, Callback::Back),
            button(Msg::BtnCancel, Callback::Cancel),
        ];
        let kept = |r: Reply, answer: Option<String>| match answer {
            Some(a) if d.again.is_some() => r
                .line(Msg::KeptAnswer, vec![("answer", text(a))])
                .row(vec![button(Msg::BtnKeepAnswer, Callback::GoOn)]),
            _ => r,
        };
        match (d.asking(), d.start, &d.place) {
            (LaunchQuestion::When, start, _) => kept(
                Reply::default().line(
                    Msg::LaunchAskWhen,
                    vec![("group", name), ("area", self.pool_label(&d.pool))],
                ),
                start.map(|s| format_when(s, self.lang, self.ctx.now)),
            )
            .row(vec![button(Msg::BtnCancel, Callback::Cancel)]),
            (LaunchQuestion::End, start, _) => kept(
                Reply::msg(Msg::LaunchAskEnd),
                start
                    .zip(d.end)
                    .map(|(s, e)| super::events::until_text(s, e, self.lang)),
            )
            .row(back_cancel),
            (LaunchQuestion::Place, _, place) => {
                kept(Reply::msg(Msg::LaunchAskPlace), place.clone()).row(back_cancel)
            }
            (LaunchQuestion::Summary | LaunchQuestion::Series, None, _)
            | (LaunchQuestion::Summary | LaunchQuestion::Series, _, None) => {
                Reply::msg(Msg::LaunchAskPlace).row(back_cancel)
            }
            (LaunchQuestion::Series, Some(start), Some(_)) => self
                .series_question(d, start, &name)
                .row(vec![button(Msg::BtnSeriesOk, Callback::SeriesOk)])
                .row(back_cancel),
            (LaunchQuestion::Summary, Some(start), Some(place)) => {
                let waiting: Vec<Registration> = self
                    .ctx
                    .view
                    .waiting(&d.pool.group)
                    .into_iter()
                    .filter(|r| self.ctx.config.pool_of(r) == d.pool)
                    .collect();
                let preview = self.preview(&d.pool, group, &waiting);
                let summary = Reply::default()
                    .line(
                        Msg::LaunchSummary,
                        vec![
                            ("group", name),
                            ("area", self.pool_label(&d.pool)),
                            ("when", text(format_when(start, self.lang, self.ctx.now))),
                            (
                                "until",
                                text(super::events::until_text(
                                    start,
                                    d.end.unwrap_or(start),
                                    self.lang,
                                )),
                            ),
                            ("place", text(place.clone())),
                            ("families", num(preview.0)),
                            ("count", num(preview.1)),
                            ("capacity", num(group.capacity)),
                            ("kind", kind(group)),
                            ("hours", num(self.ctx.config.invite_hours)),
                        ],
                    )
                    .then(self.series_summary(d, start));
                self.crew_rows(d, summary)
                    .row(vec![button(Msg::BtnLaunchConfirm, Callback::LaunchConfirm)])
                    .row(if d.series {
                        vec![button(Msg::BtnSeriesChange, Callback::SeriesChange)]
                    } else {
                        Vec::new()
                    })
                    .row(back_cancel)
            }
        }
    }

    /// Families and participants the first round of invitations would reach.
    fn preview(&self, pool: &Pool, group: &Group, waiting: &[Registration]) -> (usize, u32) {
        let draft = crate::domain::Launch {
            id: 0,
            pool: pool.clone(),
            start: self.ctx.now,
            place: String::new(),
            coordinator: self.ctx.person.user,
            capacity: group.capacity,
            created_at: self.ctx.now,
            invitations: Vec::new(),
            closed: false,
            event: None,
            meetings: Vec::new(),
        };
        let plan = launch::plan(&draft, waiting, self.ctx.now, Duration::hours(1));
        (plan.invite.len(), plan.invite.iter().map(|(_, s)| s).sum())
    }

    /// Text typed while preparing a launch: the time, then the place.
    fn launch_text(&mut self, mut d: LaunchDraft, t: &str) -> State {
        let t = t.trim();
        let asking = d.asking();
        match asking {
            LaunchQuestion::When => match parse_when(t, self.ctx.now) {
                Ok(start) => {
                    if d.start != Some(start) {
                        // A new start: the end (a time of that day or a length) is asked again,
                        // and the series' exceptions, which were dates of the old one, go.
                        d.end = None;
                        d.skip.clear();
                        d.moved.clear();
                        d.series_ok = false;
                    }
                    d.start = Some(start);
                }
                Err(e) => {
                    let msg = match e {
                        WhenError::InThePast => Msg::LaunchPast,
                        WhenError::NoSuchTime => Msg::LaunchNoSuchTime,
                        WhenError::TooFar => Msg::LaunchTooFar,
                        WhenError::Unreadable => Msg::LaunchBadWhen,
                    };
                    let q = self.launch_question(&d).after(vec![line(msg)]);
                    self.say(q);
                    return State::Launching(d);
                }
            },
            LaunchQuestion::End => {
                let parsed = d
                    .start
                    .and_then(|start| super::events::parse_end_or_length(t, start, self.ctx.now));
                match parsed {
                    Some(end) => d.end = Some(end),
                    None => {
                        let q = self
                            .launch_question(&d)
                            .after(vec![line(Msg::LaunchBadEnd)]);
                        self.say(q);
                        return State::Launching(d);
                    }
                }
            }
            LaunchQuestion::Place => {
                if t.is_empty() || t.chars().count() > MAX_PLACE {
                    let q = self
                        .launch_question(&d)
                        .after(vec![line(Msg::LaunchBadPlace)]);
                    self.say(q);
                    return State::Launching(d);
                }
                d.place = Some(t.to_owned());
            }
            LaunchQuestion::Series => {
                let r = match super::series::series_text(&mut d, t, self.ctx.now) {
                    Ok(()) => self.launch_question(&d),
                    Err(msg) => self.launch_question(&d).after(vec![line(msg)]),
                };
                self.say(r);
                return State::Launching(d);
            }
            LaunchQuestion::Summary => {
                let q = self
                    .launch_question(&d)
                    .after(vec![line(Msg::HintUseButtons)]);
                self.say(q);
                return State::Launching(d);
            }
        }
        d.forward(asking);
        let q = self.launch_question(&d);
        self.say(q);
        State::Launching(d)
    }

    fn launch_confirm(&mut self, d: LaunchDraft) -> State {
        let (Some(start), Some(end), Some(place), Some(group)) = (
            d.start,
            d.end,
            d.place.clone(),
            self.ctx.config.group(&d.pool.group),
        ) else {
            let q = self.launch_question(&d);
            self.say(q);
            return State::Launching(d);
        };
        let series_fits = crate::domain::series::meetings(&super::series::plan_of(&d, start, end));
        if start <= self.ctx.now || series_fits.is_err() {
            let d = LaunchDraft {
                start: None,
                end: None,
                again: None,
                skip: Vec::new(),
                moved: Vec::new(),
                series_ok: false,
                ..d
            };
            let q = self.launch_question(&d).after(vec![line(Msg::LaunchPast)]);
            self.say(q);
            return State::Launching(d);
        }
        self.effects.push(Effect::Launch(LaunchRequest {
            pool: d.pool.clone(),
            start,
            end,
            place,
            capacity: group.capacity,
            coordinator: self.ctx.person.user,
            title: crate::domain::EventText::all(
                group.name.get(Lang::Fi),
                group.name.get(Lang::Sv),
                group.name.get(Lang::En),
            ),
            count: d.count,
            every_days: d.every_days,
            skip: d.skip.clone(),
            moved: d.moved.clone(),
        }));
        match self.launch_crew(&d) {
            Some(true) => {
                self.say(Reply::msg(Msg::LaunchStartedHold));
                return State::Idle;
            }
            Some(false) => self.say(Reply::msg(Msg::LaunchCrewAsked)),
            None => {}
        }
        // The invitations are held back by quiet hours like every held message: say when.
        let now = self.ctx.now;
        let goes = crate::domain::outbox::when_to_send(
            &crate::domain::Outgoing::Invitation { launch: 0 },
            now,
            &self.ctx.config.quiet_hours,
            now,
        );
        if goes > now {
            self.say(Reply::default().line(
                Msg::LaunchStartedAt,
                vec![("time", text(format_clock(goes, self.lang)))],
            ));
        } else {
            self.say(Reply::msg(Msg::LaunchStarted));
        }
        State::Idle
    }

    // ---- a parent's answer to an invitation ----

    pub(super) fn invitation_answer(&mut self, state: State, id: u64, accept: bool) -> State {
        let user = self.ctx.person.user;
        let Some(l) = self.ctx.view.launch(id) else {
            return self.hint(state, Msg::HintStaleButton);
        };
        // The same rule the store applies decides what the parent is told.
        let answer = if accept {
            Answer::Accepted
        } else {
            Answer::Declined
        };
        let applies = launch::answer(&l, user, answer, true).is_some();
        match l.family_invitation(user).map(|_| applies) {
            Some(true) => {
                self.effects.push(Effect::Respond { launch: id, accept });
                let group = self.ctx.config.group(&l.pool.group);
                let name = group.map_or_else(
                    || l.pool.group.to_string(),
                    |g| g.name.get(self.lang).to_owned(),
                );
                self.say(Reply::default().line(
                    if accept {
                        Msg::InviteAccepted
                    } else {
                        Msg::InviteDeclined
                    },
                    vec![
                        ("group", text(name)),
                        ("when", text(format_when(l.start, self.lang, self.ctx.now))),
                        ("place", text(l.place.clone())),
                    ],
                ));
                state
            }
            Some(false) => {
                self.say(Reply::msg(Msg::InviteClosed));
                state
            }
            None => self.hint(state, Msg::HintStaleButton),
        }
    }
}

pub(super) fn kind(group: &Group) -> Arg {
    text(if group.children.is_some() {
        "children"
    } else {
        "adults"
    })
}

pub(super) fn group_lang_msg(l: Lang) -> Msg {
    match l {
        Lang::Fi => Msg::GroupLangFi,
        Lang::Sv => Msg::GroupLangSv,
        Lang::En => Msg::GroupLangEn,
    }
}

/// A language as an adverb: "ruotsiksi", "på svenska", "in Swedish".
pub(super) fn lang_in_msg(l: Lang) -> Msg {
    match l {
        Lang::Fi => Msg::LangInFi,
        Lang::Sv => Msg::LangInSv,
        Lang::En => Msg::LangInEn,
    }
}

/// A shared contact as text: the name, and the @username if there is one.
pub(super) fn who_text(c: &crate::domain::Contact) -> String {
    let name = crate::domain::text::clean(&c.name);
    match &c.username {
        Some(u) => format!("{name} (@{})", crate::domain::text::clean(u)),
        None => name.into_owned(),
    }
}

/// The name to show for a family: their Telegram name only with consent; a family added by
/// hand by the label the coordinator gave it, marked as added.
pub(super) fn who(r: &Registration) -> Arg {
    if let Some(a) = &r.added {
        return Arg::Join(
            vec![
                text(crate::domain::text::clean(&a.label).into_owned()),
                Arg::Msg(Msg::AddedMark),
            ],
            " ",
        );
    }
    match &r.contact {
        Some(c) => text(who_text(c)),
        None => Arg::Msg(Msg::AFamily),
    }
}

/// The name(s) to show a coordinator for a registration: a family added by hand by its label
/// ([`who`]), otherwise both parents' names, each with their own consent ([`who_all`]).
pub(super) fn family_who(r: &Registration, families: &[crate::domain::family::Family]) -> Arg {
    if r.added.is_some() {
        who(r)
    } else {
        who_all(&crate::domain::family::contacts(r, families))
    }
}

/// The names to show for a family whose parents may be two: each with their own consent
/// ([`crate::domain::family::contacts`]), "a family" when neither shared theirs.
pub(super) fn who_all(contacts: &[crate::domain::Contact]) -> Arg {
    if contacts.is_empty() {
        return Arg::Msg(Msg::AFamily);
    }
    text(
        contacts
            .iter()
            .map(who_text)
            .collect::<Vec<_>>()
            .join(" & "),
    )
}

/// Pools whose buttons fit under the `/demand` text: two buttons each, within Telegram's 100.
const MAX_POOL_ROWS: usize = 48;

/// Adds one pool's figures to a group's total (for the group's times, languages, sources).
fn add_stats(total: &mut PoolStats, s: &PoolStats) {
    total.families += s.families;
    total.participants += s.participants;
    for (k, n) in &s.children {
        *total.children.entry(*k).or_default() += n;
    }
    for (k, n) in &s.times {
        *total.times.entry(k.clone()).or_default() += n;
    }
    for (k, n) in &s.langs {
        *total.langs.entry(*k).or_default() += n;
    }
    for (k, n) in &s.sources {
        *total.sources.entry(k.clone()).or_default() += n;
    }
    total.added += s.added;
}

/// The families per source; those a coordinator added by hand (who came by no link) apart.
fn sources_arg(s: &PoolStats) -> Arg {
    let mut parts: Vec<Arg> = s
        .sources
        .iter()
        .filter_map(|(src, n)| match src {
            Some(src) => Some(Arg::Text(format!("{} {n}", src.as_str()))),
            None => {
                let direct = n.saturating_sub(s.added);
                (direct > 0).then(|| {
                    Arg::Join(
                        vec![Arg::Msg(Msg::SourceDirect), Arg::Text(direct.to_string())],
                        " ",
                    )
                })
            }
        })
        .collect();
    if s.added > 0 {
        parts.push(Arg::Join(
            vec![Arg::Msg(Msg::SourceAdded), Arg::Text(s.added.to_string())],
            " ",
        ));
    }
    Arg::Join(parts, ", ")
}

fn answer_msg(a: Answer) -> Msg {
    match a {
        Answer::Pending => Msg::AnswerPending,
        Answer::Accepted => Msg::AnswerAccepted,
        Answer::Declined => Msg::AnswerDeclined,
        Answer::Expired => Msg::AnswerExpired,
        Answer::Withdrawn => Msg::AnswerWithdrawn,
    }
}

/// A text-only rendering of a label for the chart (area names are plain text; a language in
/// brackets is shown by its code, which needs no translation in a chart).
fn plain_label(arg: &Arg, _lang: Lang) -> String {
    match arg {
        Arg::Text(s) => s.clone(),
        Arg::Num(n) => n.to_string(),
        Arg::Msg(m) => match m {
            Msg::GroupLangFi => "fi".into(),
            Msg::GroupLangSv => "sv".into(),
            Msg::GroupLangEn => "en".into(),
            _ => String::new(),
        },
        Arg::Join(parts, sep) => parts
            .iter()
            .map(|p| plain_label(p, _lang))
            .collect::<Vec<_>>()
            .join(sep),
    }
}

/// A ten-slot progress bar of demand against the threshold.
#[must_use]
pub fn progress_bar(count: usize, threshold: u32) -> String {
    let t = usize::try_from(threshold.max(1)).unwrap_or(usize::MAX);
    let filled = (count.saturating_mul(10) / t).min(10);
    format!("{}{}", "▰".repeat(filled), "▱".repeat(10 - filled))
}
