//! What both front ends share: load a user's state, run the engine, commit durably, and hand
//! back the replies to render. Nothing here knows Telegram or the terminal.

use crate::clock::Clock;
use crate::config::LiveConfig;
use crate::domain::{Lang, UserId};
use crate::flow::{self, Ctx, Input, Person, Reply};
use crate::i18n::I18n;
use crate::store::{Committed, Store, StoreError, UserRecord};
use std::sync::Arc;

/// How often a step is run again when the records it was decided on changed before its commit.
const STALE_RETRIES: u32 = 5;

/// The shared pieces of a running kokoon.
#[derive(Clone)]
pub struct App {
    /// The validated config; replaced as a whole on reload (SIGHUP). Read it as
    /// `app.config.field`; a `&Config` taken from it stays one consistent config.
    pub config: LiveConfig,
    /// The store.
    pub store: Store,
    /// The locales.
    pub i18n: Arc<I18n>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Woken after every commit, so the sender delivers new outbox rows at once.
    pub outbox_wake: Arc<tokio::sync::Notify>,
}

/// The result of handling one input.
#[derive(Debug)]
pub struct Handled {
    /// The language to render the replies in.
    pub lang: Lang,
    /// The replies, in order.
    pub replies: Vec<Reply>,
    /// True when the update id had been handled before: nothing changed, nothing to send.
    pub duplicate: bool,
    /// The step changed stored data beyond the person's own state (registrations, the outbox…):
    /// once it is flushed, the outbox sender may have something new to send.
    pub effects: bool,
    /// People whose own command menu may have changed with this step: someone who became a
    /// facilitator, was removed as one, or was forgotten.
    pub menus: Vec<UserId>,
}

impl App {
    /// Handles one input from one person. With an `update_id`, a second delivery of the same
    /// update changes nothing and returns no replies. The effects are on disk before this returns.
    pub async fn handle(
        &self,
        update_id: Option<u32>,
        person: &Person,
        telegram_lang: Option<&str>,
        input: Input,
    ) -> Result<Handled, StoreError> {
        self.handle_sealed(update_id, person, telegram_lang, input, |_, _| Vec::new())
            .await
    }

    /// [`App::handle`], storing `seal(lang, replies)` (the replies as the front end will send
    /// them) in the same transaction as the effects, so that a crash before they are sent
    /// cannot lose them: see [`Store::unsent_replies`].
    pub async fn handle_sealed(
        &self,
        update_id: Option<u32>,
        person: &Person,
        telegram_lang: Option<&str>,
        input: Input,
        seal: impl FnMut(Lang, &[Reply]) -> Vec<u8>,
    ) -> Result<Handled, StoreError> {
        let handled = self.handle_unflushed(update_id, person, telegram_lang, input, seal)?;
        if !handled.duplicate {
            self.store.flush().await?;
        }
        if handled.effects {
            self.outbox_wake.notify_one();
        }
        Ok(handled)
    }

    /// [`App::handle_sealed`] without the flush: the change is applied but not yet durable. The
    /// caller flushes (once for many steps: group commit) before sending any reply, and wakes
    /// the outbox sender after that flush if [`Handled::effects`].
    pub fn handle_unflushed(
        &self,
        update_id: Option<u32>,
        person: &Person,
        telegram_lang: Option<&str>,
        input: Input,
        seal: impl FnMut(Lang, &[Reply]) -> Vec<u8>,
    ) -> Result<Handled, StoreError> {
        if let Some(id) = update_id {
            if self.store.seen_update(id)? {
                return Ok(Handled::duplicate(
                    self.lang_of(person.user, telegram_lang)?,
                ));
            }
        }
        // A step is decided on the records as read here; if one of them changes before the
        // commit (another writer got in between), the commit refuses it and the step runs again
        // on the records as they are then, so the answer and the stored decision are one.
        let mut seal = seal;
        let mut tries = 0;
        loop {
            match self.step_and_commit(update_id, person, telegram_lang, input.clone(), &mut seal) {
                Err(StoreError::Stale) if tries < STALE_RETRIES => tries += 1,
                other => return other,
            }
        }
    }

    fn step_and_commit(
        &self,
        update_id: Option<u32>,
        person: &Person,
        telegram_lang: Option<&str>,
        input: Input,
        seal: &mut impl FnMut(Lang, &[Reply]) -> Vec<u8>,
    ) -> Result<Handled, StoreError> {
        let record = self.store.user(person.user)?;
        let lang = record
            .lang
            .unwrap_or_else(|| Lang::from_telegram(telegram_lang));
        let registrations = self.store.registrations_of(person.user)?;
        let now = self.clock.now();
        let ctx = Ctx {
            config: &self.config,
            person,
            lang,
            registrations: &registrations,
            view: &self.store,
            now,
        };
        let outcome = flow::step(record.state.clone(), input, &ctx);
        let new_record = UserRecord {
            lang: if outcome.lang == lang {
                record.lang
            } else {
                Some(outcome.lang)
            },
            seen_lang: telegram_lang
                .map(|c| Lang::from_telegram(Some(c)))
                .or(record.seen_lang),
            // Writing to the bot means they can be reached again.
            unreachable_since: None,
            seen_at: Some(now),
            state: outcome.state,
        };
        let sealed = match update_id {
            Some(_) => seal(outcome.lang, &outcome.replies),
            None => Vec::new(),
        };
        let committed = self.store.commit_unflushed(
            person.user,
            update_id,
            &new_record,
            &outcome.effects,
            now,
            &sealed,
        )?;
        if committed == Committed::Duplicate {
            return Ok(Handled::duplicate(lang));
        }
        log::debug!(
            "app: user {} handled, {} replies",
            person.user,
            outcome.replies.len()
        );
        let menus = outcome
            .effects
            .iter()
            .filter_map(|e| match e {
                flow::Effect::BecomeFacilitator { .. } | flow::Effect::Forget => Some(person.user),
                flow::Effect::RemoveFacilitator { user, .. } => Some(*user),
                _ => None,
            })
            .collect();
        Ok(Handled {
            lang: outcome.lang,
            replies: outcome.replies,
            duplicate: false,
            effects: !outcome.effects.is_empty(),
            menus,
        })
    }

    /// The language to write to someone who is not talking right now: their choice, else the
    /// language their Telegram had when they last wrote, else Finnish.
    pub fn lang_of_recipient(&self, user: UserId) -> Result<Lang, StoreError> {
        let r = self.store.user(user)?;
        Ok(r.lang.or(r.seen_lang).unwrap_or(Lang::Fi))
    }

    /// The language a user is spoken to in.
    pub fn lang_of(&self, user: UserId, telegram_lang: Option<&str>) -> Result<Lang, StoreError> {
        Ok(self
            .store
            .user(user)?
            .lang
            .unwrap_or_else(|| Lang::from_telegram(telegram_lang)))
    }
}

/// Creates the events given in the config that are not stored yet, and brings stored ones in
/// step with the config (people signed up are told of a change). Past events are left alone.
pub async fn sync_config_events(app: &App) -> Result<usize, StoreError> {
    use crate::domain::{Event, EventText};
    use crate::flow::Effect;
    let now = app.clock.now();
    let stored = app.store.events()?;
    let mut effects = Vec::new();
    for c in &app.config.events {
        let title = EventText::all(
            c.title.get(Lang::Fi),
            c.title.get(Lang::Sv),
            c.title.get(Lang::En),
        );
        let description = c
            .description
            .as_ref()
            .map(|d| EventText::all(d.get(Lang::Fi), d.get(Lang::Sv), d.get(Lang::En)));
        let organiser = c
            .group
            .as_ref()
            .and_then(|g| {
                app.config
                    .coordinators_seeing(crate::domain::remit::Scope::AllAreas(g))
                    .next()
            })
            .or_else(|| app.config.coordinators.first())
            .map_or(UserId(0), |co| co.telegram_id);
        match stored
            .iter()
            .find(|e| e.key.as_deref() == Some(c.key.as_str()))
        {
            None if c.start > now => effects.push(Effect::CreateEvent(Event {
                id: 0,
                title,
                description,
                group: c.group.clone(),
                start: c.start,
                end: c.end,
                place: c.place.get(Lang::Fi).to_owned(),
                capacity: c.capacity,
                organiser,
                cancelled: false,
                version: 1,
                attendees: Vec::new(),
                waiting: Vec::new(),
                key: Some(c.key.clone()),
                visibility: crate::domain::event::Visibility::Public,
                token: None,
                revision: 0,
                facilitators: Vec::new(),
                co_parents: Vec::new(),
                series: c.series.clone(),
                came: Vec::new(),
            })),
            Some(e)
                if !e.cancelled
                    && e.start > now
                    && (e.title != title
                        || e.description != description
                        || e.start != c.start
                        || e.end != c.end
                        || e.place != c.place.get(Lang::Fi)
                        || e.capacity != c.capacity
                        || e.series != c.series) =>
            {
                let mut edited = e.clone();
                edited.title = title;
                edited.description = description;
                edited.start = c.start;
                edited.end = c.end;
                edited.place = c.place.get(Lang::Fi).to_owned();
                edited.capacity = c.capacity;
                edited.series = c.series.clone();
                effects.push(Effect::UpdateEvent(edited));
            }
            _ => {}
        }
    }
    let n = effects.len();
    if n > 0 {
        self_commit(app, &effects, now).await?;
    }
    Ok(n)
}

async fn self_commit(
    app: &App,
    effects: &[crate::flow::Effect],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    app.store.apply_event_effects(effects, now).await?;
    app.outbox_wake.notify_one();
    Ok(())
}

impl Handled {
    fn duplicate(lang: Lang) -> Self {
        Self {
            lang,
            replies: Vec::new(),
            duplicate: true,
            effects: false,
            menus: Vec::new(),
        }
    }
}
