//! Fluent bundles for fi, sv and en, and rendering of [`Reply`](crate::flow::Reply) data to text.
//!
//! Every message id the code can use is a [`Msg`] variant, and `Msg::ALL` lists them, so a test
//! can prove that every id exists in every locale. The `.ftl` files are compiled into the binary:
//! a deployed bot cannot lose its texts. Isolation marks are off (Telegram would show them), and
//! numbers and dates are formatted here in code, per language, before they reach Fluent.

use crate::domain::Lang;
use crate::flow::{Arg, Label, Line, Reply};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

macro_rules! messages {
    ($($name:ident => $id:literal,)*) => {
        /// A message id in `locales/*/kokoon.ftl`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum Msg { $($name,)* }

        impl Msg {
            /// Every message the code can use.
            pub const ALL: &'static [Msg] = &[$(Msg::$name,)*];

            /// The Fluent id.
            #[must_use]
            pub fn id(self) -> &'static str {
                match self { $(Msg::$name => $id,)* }
            }
        }
    };
}

messages! {
    AgeNoOtherGroup => "age-no-other-group",
    AgeOtherGroups => "age-other-groups",
    AgeOutside => "age-outside",
    AlreadyRegistered => "already-registered",
    AskAge => "ask-age",
    AskArea => "ask-area",
    AskChange => "ask-change",
    AskConsent => "ask-consent",
    AskLanguage => "ask-language",
    AskMoreChildren => "ask-more-children",
    AskNextAge => "ask-next-age",
    AskShare => "ask-share",
    AskTimes => "ask-times",
    BtnBack => "btn-back",
    BtnCancel => "btn-cancel",
    BtnChange => "btn-change",
    BtnChangeAges => "btn-change-ages",
    BtnChangeArea => "btn-change-area",
    BtnChangeLanguage => "btn-change-language",
    BtnChangeShare => "btn-change-share",
    BtnChangeTimes => "btn-change-times",
    BtnChildrenDone => "btn-children-done",
    BtnConfirm => "btn-confirm",
    BtnConsentNo => "btn-consent-no",
    BtnConsentYes => "btn-consent-yes",
    BtnEdit => "btn-edit",
    BtnForgetYes => "btn-forget-yes",
    BtnKeep => "btn-keep",
    BtnMoreChildren => "btn-more-children",
    BtnShareNo => "btn-share-no",
    BtnShareYes => "btn-share-yes",
    BtnTimeChecked => "btn-time-checked",
    BtnTimesDone => "btn-times-done",
    BtnWithdraw => "btn-withdraw",
    BtnWithdrawYes => "btn-withdraw-yes",
    Cancelled => "cancelled",
    ChooseGroup => "choose-group",
    ChooseLang => "choose-lang",
    ForgetAsk => "forget-ask",
    Forgotten => "forgotten",
    GroupIntro => "group-intro",
    GroupLangEn => "group-lang-en",
    GroupLangFi => "group-lang-fi",
    GroupLangSv => "group-lang-sv",
    Help => "help",
    HintAge => "hint-age",
    HintArea => "hint-area",
    HintGroupGone => "hint-group-gone",
    HintNotText => "hint-not-text",
    HintPickTime => "hint-pick-time",
    HintStaleButton => "hint-stale-button",
    HintUnknownCommand => "hint-unknown-command",
    HintUseButtons => "hint-use-buttons",
    LangChanged => "lang-changed",
    MineGroupGone => "mine-group-gone",
    MineHint => "mine-hint",
    MineNone => "mine-none",
    MineTitle => "mine-title",
    NoConsent => "no-consent",
    NothingChanged => "nothing-changed",
    NothingToCancel => "nothing-to-cancel",
    Privacy => "privacy",
    Saved => "saved",
    StandingAdults => "standing-adults",
    StandingChildren => "standing-children",
    StandingReached => "standing-reached",
    SummaryArea => "summary-area",
    SummaryChildren => "summary-children",
    SummaryLanguage => "summary-language",
    SummaryShareNo => "summary-share-no",
    SummaryShareYes => "summary-share-yes",
    SummaryTimes => "summary-times",
    SummaryTitle => "summary-title",
    UiLangEn => "ui-lang-en",
    UiLangFi => "ui-lang-fi",
    UiLangSv => "ui-lang-sv",
    Updated => "updated",
    Welcome => "welcome",
    WelcomeShort => "welcome-short",
    WithdrawAsk => "withdraw-ask",
    Withdrawn => "withdrawn",
    RetentionNotice => "retention-notice",
    BtnReconfirm => "btn-reconfirm",
    GroupChatOnly => "group-chat-only",
    SomethingWrong => "something-wrong",
    SlowDown => "slow-down",
    DemandPoolLine => "demand-pool-line",
    DemandGroupDetails => "demand-group-details",
    CmdStart => "cmd-start",
    CmdMine => "cmd-mine",
    CmdLang => "cmd-lang",
    CmdCancel => "cmd-cancel",
    CmdPrivacy => "cmd-privacy",
    CmdForget => "cmd-forget",
    CmdHelp => "cmd-help",
    ActionCancelled => "action-cancelled",
    BroadcastAskText => "broadcast-ask-text",
    BroadcastBadText => "broadcast-bad-text",
    BroadcastChoose => "broadcast-choose",
    BroadcastFirst => "broadcast-first",
    BroadcastPreview => "broadcast-preview",
    BroadcastQueued => "broadcast-queued",
    BroadcastReport => "broadcast-report",
    BtnAudienceEvent => "btn-audience-event",
    BtnAudienceWaiting => "btn-audience-waiting",
    BtnBroadcastSend => "btn-broadcast-send",
    BtnCancelEventYes => "btn-cancel-event-yes",
    BtnCreateEvent => "btn-create-event",
    BtnEventCalendar => "btn-event-calendar",
    BtnEventCancel => "btn-event-cancel",
    BtnEventEdit => "btn-event-edit",
    BtnEventFeedback => "btn-event-feedback",
    BtnEventJoin => "btn-event-join",
    BtnEventLeaveQueue => "btn-event-leave-queue",
    BtnEventLeave => "btn-event-leave",
    BtnEventMessage => "btn-event-message",
    BtnEventQueue => "btn-event-queue",
    BtnFieldCapacity => "btn-field-capacity",
    BtnFieldDescription => "btn-field-description",
    BtnFieldEnd => "btn-field-end",
    BtnFieldPlace => "btn-field-place",
    BtnFieldStart => "btn-field-start",
    BtnFieldTitle => "btn-field-title",
    BtnNoGroup => "btn-no-group",
    BtnNoLimit => "btn-no-limit",
    BtnNumbered => "btn-numbered",
    BtnSkip => "btn-skip",
    BtnTranslate => "btn-translate",
    CancelEventAsk => "cancel-event-ask",
    CmdEvents => "cmd-events",
    EditEventWhich => "edit-event-which",
    EventCalendarCaption => "event-calendar-caption",
    EventCancelledDone => "event-cancelled-done",
    EventCancelledNotice => "event-cancelled-notice",
    EventCard => "event-card",
    EventChangedFirst => "event-changed-first",
    EventFull => "event-full",
    EventJoined => "event-joined",
    EventLeft => "event-left",
    EventNoLimit => "event-no-limit",
    EventComing => "event-coming",
    EventComingAdult => "event-coming-adult",
    EventComingFamily => "event-coming-family",
    EventComingMore => "event-coming-more",
    EventLink => "event-link",
    EventOrganiserInfo => "event-organiser-info",
    EventOver => "event-over",
    EventPromoted => "event-promoted",
    EventQueued => "event-queued",
    EventSeats => "event-seats",
    EventUpdated => "event-updated",
    EventYouAttend => "event-you-attend",
    EventYouWait => "event-you-wait",
    EventsNone => "events-none",
    EventsTitle => "events-title",
    FeedbackAsk => "feedback-ask",
    FeedbackChoose => "feedback-choose",
    FeedbackCommentAsk => "feedback-comment-ask",
    FeedbackComment => "feedback-comment",
    FeedbackDone => "feedback-done",
    FeedbackNoEvents => "feedback-no-events",
    FeedbackReport => "feedback-report",
    FeedbackThanks => "feedback-thanks",
    NewEventBadCapacity => "new-event-bad-capacity",
    NewEventBadDescription => "new-event-bad-description",
    NewEventBadEnd => "new-event-bad-end",
    NewEventBadTitle => "new-event-bad-title",
    NewEventBadValue => "new-event-bad-value",
    NewEventCapacity => "new-event-capacity",
    NewEventCreated => "new-event-created",
    NewEventDescription => "new-event-description",
    NewEventEnd => "new-event-end",
    NewEventGroup => "new-event-group",
    NewEventPlace => "new-event-place",
    NewEventStart => "new-event-start",
    NewEventSummary => "new-event-summary",
    NewEventTitle => "new-event-title",
    NewEventTranslateDescription => "new-event-translate-description",
    NewEventTranslateTitle => "new-event-translate-title",
    NoGroup => "no-group",
    NoLimit => "no-limit",
    Plain => "plain",
    ReminderFirst => "reminder-first",
    AFamily => "a-family",
    AlertMissed => "alert-missed",
    AlertTitle => "alert-title",
    Answered => "answered",
    BtnExportLaunch => "btn-export-launch",
    BtnInviteNo => "btn-invite-no",
    BtnInviteYes => "btn-invite-yes",
    BtnLaunch => "btn-launch",
    BtnLaunchConfirm => "btn-launch-confirm",
    BtnLaunchPool => "btn-launch-pool",
    BtnList => "btn-list",
    ChartCaption => "chart-caption",
    ChartThreshold => "chart-threshold",
    ChartChildren => "chart-children",
    ChartAdults => "chart-adults",
    CsvAges => "csv-ages",
    CsvAnswer => "csv-answer",
    CsvArea => "csv-area",
    CsvFamilies => "csv-families",
    CsvGroup => "csv-group",
    CsvLanguage => "csv-language",
    CsvName => "csv-name",
    CsvParticipants => "csv-participants",
    CsvSources => "csv-sources",
    CsvDirect => "csv-direct",
    AnswerPending => "answer-pending",
    AnswerAccepted => "answer-accepted",
    AnswerDeclined => "answer-declined",
    AnswerExpired => "answer-expired",
    CsvThreshold => "csv-threshold",
    CsvTimes => "csv-times",
    CsvUsername => "csv-username",
    DemandNone => "demand-none",
    DemandPool => "demand-pool",
    DemandSources => "demand-sources",
    DemandTitle => "demand-title",
    ExportCaption => "export-caption",
    ExportLaunchCaption => "export-launch-caption",
    FinalItem => "final-item",
    FinalNone => "final-none",
    FinalTitle => "final-title",
    HelpCoordinator => "help-coordinator",
    Invitation => "invitation",
    InviteAccepted => "invite-accepted",
    InviteClosed => "invite-closed",
    InviteDeclined => "invite-declined",
    InviteExpired => "invite-expired",
    LaunchAskEnd => "launch-ask-end",
    LaunchAskPlace => "launch-ask-place",
    LaunchAskWhen => "launch-ask-when",
    LaunchBadEnd => "launch-bad-end",
    LaunchBadPlace => "launch-bad-place",
    LaunchBadWhen => "launch-bad-when",
    LaunchCancelled => "launch-cancelled",
    LaunchChoose => "launch-choose",
    LaunchNoSuchTime => "launch-no-such-time",
    LaunchNothing => "launch-nothing",
    LaunchPast => "launch-past",
    LaunchStarted => "launch-started",
    LaunchStartedAt => "launch-started-at",
    Resumed => "resumed",
    MinePaused => "mine-paused",
    MineInvited => "mine-invited",
    MineAccepted => "mine-accepted",
    MineDeclined => "mine-declined",
    BtnOfGroup => "btn-of-group",
    BtnAudienceInvited => "btn-audience-invited",
    BtnAudienceAccepted => "btn-audience-accepted",
    BroadcastNobody => "broadcast-nobody",
    BtnResume => "btn-resume",
    LaunchSummary => "launch-summary",
    LaunchTooFar => "launch-too-far",
    ListEmpty => "list-empty",
    ListItem => "list-item",
    ListTitle => "list-title",
    NeutralFirst => "neutral-first",
    CmdMyData => "cmd-mydata",
    MydataTitle => "mydata-title",
    MydataLanguage => "mydata-language",
    MydataState => "mydata-state",
    MydataRegistrations => "mydata-registrations",
    MydataName => "mydata-name",
    MydataSource => "mydata-source",
    MydataSaved => "mydata-saved",
    MydataConsent => "mydata-consent",
    MydataConsentUnrecorded => "mydata-consent-unrecorded",
    MydataShareConsent => "mydata-share-consent",
    MydataShareWithdrawn => "mydata-share-withdrawn",
    MydataMayAppear => "mydata-may-appear",
    MydataEvents => "mydata-events",
    MydataEvent => "mydata-event",
    MydataFeedback => "mydata-feedback",
    MydataInvitation => "mydata-invitation",
    MydataAudit => "mydata-audit",
    MydataCaption => "mydata-caption",
    MydataJsonCaption => "mydata-json-caption",
    PrivacyAreaController => "privacy-area-controller",
    PrivacyBody => "privacy-body",
    CoordinatorFirst => "coordinator-first",
    EventFirst => "event-first",
    QrCaption => "qr-caption",
    QrChoose => "qr-choose",
    SourceDirect => "source-direct",
    // The public web page (locales/*/web.ftl).
    WebTitle => "web-title",
    WebIntro => "web-intro",
    WebSkip => "web-skip",
    WebLangNav => "web-lang-nav",
    WebMainNav => "web-main-nav",
    WebHome => "web-home",
    WebAges => "web-ages",
    WebAdults => "web-adults",
    WebLanguages => "web-languages",
    WebContact => "web-contact",
    WebPhone => "web-phone",
    WebEmail => "web-email",
    WebStatusTitle => "web-status-title",
    WebStatusNotYet => "web-status-not-yet",
    WebStatusGathering => "web-status-gathering",
    WebStatusStarting => "web-status-starting",
    WebStatusOthers => "web-status-others",
    WebStatusNone => "web-status-none",
    WebStatusExplain => "web-status-explain",
    WebJoin => "web-join",
    WebQrLabel => "web-qr-label",
    WebQrCaption => "web-qr-caption",
    WebEvents => "web-events",
    WebEventsNone => "web-events-none",
    WebEventWhen => "web-event-when",
    WebEventPlace => "web-event-place",
    WebEventJoin => "web-event-join",
    WebFeed => "web-feed",
    WebUpdated => "web-updated",
    WebNoCookies => "web-no-cookies",
    WebProfessionals => "web-professionals",
    WebProIntro => "web-pro-intro",
    WebProPoster => "web-pro-poster",
    WebProGroup => "web-pro-group",
    WebProSource => "web-pro-source",
    WebProSourceHint => "web-pro-source-hint",
    WebProLangs => "web-pro-langs",
    WebProShow => "web-pro-show",
    WebProPrint => "web-pro-print",
    WebProEmbed => "web-pro-embed",
    WebProEmbedIntro => "web-pro-embed-intro",
    WebProEmbedCode => "web-pro-embed-code",
    WebPosterCall => "web-poster-call",
    WebPosterHow => "web-poster-how",
    WebPosterLink => "web-poster-link",
    WebPosterMore => "web-poster-more",
    WebBadRequest => "web-bad-request",
    WebNotFound => "web-not-found",
    WebBack => "web-back",
    WebMore => "web-more",
    WebA11y => "web-a11y",
    WebA11yScope => "web-a11y-scope",
    WebA11yStatusTitle => "web-a11y-status-title",
    WebA11yStatus => "web-a11y-status",
    WebA11yGapsTitle => "web-a11y-gaps-title",
    WebA11yGaps => "web-a11y-gaps",
    WebA11yFeedbackTitle => "web-a11y-feedback-title",
    WebA11yFeedback => "web-a11y-feedback",
    WebA11yAuthorityTitle => "web-a11y-authority-title",
    WebA11yAuthority => "web-a11y-authority",
    WebA11yDate => "web-a11y-date",
}

/// The locale sources, compiled in, Finnish first: per language `kokoon.ftl` (the bot) and
/// `web.ftl` (the public web page) as one text, so one bundle and every locale test cover both.
pub const SOURCES: [(Lang, &str); 3] = [
    (
        Lang::Fi,
        concat!(
            include_str!("../locales/fi/kokoon.ftl"),
            "\n",
            include_str!("../locales/fi/web.ftl")
        ),
    ),
    (
        Lang::Sv,
        concat!(
            include_str!("../locales/sv/kokoon.ftl"),
            "\n",
            include_str!("../locales/sv/web.ftl")
        ),
    ),
    (
        Lang::En,
        concat!(
            include_str!("../locales/en/kokoon.ftl"),
            "\n",
            include_str!("../locales/en/web.ftl")
        ),
    ),
];

/// How rendered text will be shown: Telegram's HTML, or plain text for the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// Telegram HTML: arguments are escaped, the locales' own tags kept.
    Html,
    /// Plain text: tags removed, entities decoded, nothing escaped.
    Plain,
}

/// A rendered button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedButton {
    /// The label, plain text.
    pub label: String,
    /// The callback data.
    pub data: String,
}

/// A reply rendered to text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The text, in the chosen markup.
    pub text: String,
    /// Rows of buttons.
    pub buttons: Vec<Vec<RenderedButton>>,
    /// Replace the pressed message instead of sending a new one.
    pub edit: bool,
}

/// The three bundles, built once and shared by every task.
pub struct I18n {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

/// Why the locales could not be loaded (only possible if a `.ftl` file is broken, which the
/// tests catch).
#[derive(Debug, thiserror::Error)]
#[error("locale {lang}: {what}")]
pub struct I18nError {
    lang: &'static str,
    what: String,
}

impl I18n {
    /// Builds the bundles from the compiled-in sources.
    pub fn new() -> Result<I18n, I18nError> {
        let mut bundles = Vec::new();
        for (lang, src) in SOURCES {
            let res = FluentResource::try_new(src.to_owned()).map_err(|(_, errs)| I18nError {
                lang: lang.code(),
                what: format!("{errs:?}"),
            })?;
            let langid = lang.code().parse().map_err(|_| I18nError {
                lang: lang.code(),
                what: "bad language id".into(),
            })?;
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            bundle.set_use_isolating(false);
            bundle.add_resource(res).map_err(|errs| I18nError {
                lang: lang.code(),
                what: format!("{errs:?}"),
            })?;
            bundles.push((lang, bundle));
        }
        Ok(I18n { bundles })
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        // Every language has a bundle by construction; Finnish is the fallback.
        self.bundles
            .iter()
            .find(|(l, _)| *l == lang)
            .or_else(|| self.bundles.first())
            .map(|(_, b)| b)
            .expect("I18n::new builds a bundle for every language")
    }

    /// Whether a message exists in a language (for the locale tests).
    #[must_use]
    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.bundle(lang).has_message(id)
    }

    /// Renders one message with arguments. Text arguments are escaped for HTML when asked.
    #[must_use]
    pub fn text(
        &self,
        lang: Lang,
        msg: Msg,
        args: &[(&'static str, Arg)],
        markup: Markup,
    ) -> String {
        let bundle = self.bundle(lang);
        let Some(pattern) = bundle.get_message(msg.id()).and_then(|m| m.value()) else {
            log::error!("i18n: message {} missing in {}", msg.id(), lang.code());
            return msg.id().to_owned();
        };
        let mut fargs = FluentArgs::new();
        for (name, arg) in args {
            // Always built as HTML; plain text is made from it at the end, so user text that
            // looks like a tag or an entity survives both ways unchanged.
            let value = match arg {
                Arg::Num(n) => FluentValue::from(*n),
                other => FluentValue::from(self.arg_html(lang, other)),
            };
            fargs.set(*name, value);
        }
        let mut errors = Vec::new();
        let out = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
        if !errors.is_empty() {
            log::error!(
                "i18n: formatting {} in {}: {errors:?}",
                msg.id(),
                lang.code()
            );
        }
        match markup {
            Markup::Html => out.into_owned(),
            Markup::Plain => strip_html(&out),
        }
    }

    /// An argument as plain text (a CSV cell, a chart label).
    #[must_use]
    pub fn arg_plain(&self, lang: Lang, arg: &Arg) -> String {
        strip_html(&self.arg_html(lang, arg))
    }

    /// An argument as escaped HTML text.
    fn arg_html(&self, lang: Lang, arg: &Arg) -> String {
        match arg {
            Arg::Text(s) => escape_html(s),
            Arg::Num(n) => n.to_string(),
            Arg::Msg(m) => self.text(lang, *m, &[], Markup::Html),
            Arg::Join(parts, sep) => parts
                .iter()
                .map(|p| self.arg_html(lang, p))
                .collect::<Vec<_>>()
                .join(sep),
        }
    }

    /// Renders a whole reply.
    #[must_use]
    pub fn render(&self, lang: Lang, reply: &Reply, markup: Markup) -> Rendered {
        let mut text = String::new();
        for (i, Line { msg, args, tight }) in reply.lines.iter().enumerate() {
            if i > 0 {
                text.push_str(if *tight { "\n" } else { "\n\n" });
            }
            text.push_str(&self.text(lang, *msg, args, markup));
        }
        let buttons = reply
            .buttons
            .iter()
            .map(|row| {
                row.iter()
                    .map(|b| RenderedButton {
                        label: match &b.label {
                            Label::Msg(m) => self.text(lang, *m, &[], Markup::Plain),
                            Label::MsgArgs(m, args) => self.text(lang, *m, args, Markup::Plain),
                            Label::Text(t) => t.clone(),
                        },
                        data: b.callback.encode(),
                    })
                    .collect()
            })
            .collect();
        Rendered {
            text,
            buttons,
            edit: reply.edit,
        }
    }
}

/// Escapes text for Telegram's HTML parse mode (`<`, `>`, `&` and `"`).
#[must_use]
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// Turns the locales' simple HTML into plain text for the console: tags dropped, the four
/// entities decoded.
#[must_use]
pub fn strip_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match (in_tag, c) {
            (false, '<') => in_tag = true,
            (true, '>') => in_tag = false,
            (false, c) => out.push(c),
            (true, _) => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests;
