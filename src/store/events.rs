//! Events, sign-ups, waiting lists, feedback and broadcasts inside a store transaction.

use super::crypt::USER_TAG;
use super::tx::{abort, Tx, TxError, TxResult};
use crate::domain::event::{self, Audience, Broadcast, Delivery, Event};
use crate::domain::feedback::{self, Feedback};
use crate::domain::privacy::SignUp;
use crate::domain::UserId;

/// Key of an event in the `events` tree.
#[must_use]
pub fn event_key(id: u64) -> Vec<u8> {
    let mut k = vec![b'e'];
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// Key of one person's feedback on an event: the prefix, then their user tag.
#[must_use]
pub fn feedback_key(event: u64, user_tag: &[u8; USER_TAG]) -> Vec<u8> {
    let mut k = feedback_prefix(event);
    k.extend_from_slice(user_tag);
    k
}

/// Prefix of every feedback on an event.
#[must_use]
pub fn feedback_prefix(event: u64) -> Vec<u8> {
    let mut k = vec![b'f'];
    k.extend_from_slice(&event.to_be_bytes());
    k
}

/// Key of the consent records of one person's sign-up for an event: the prefix, then their
/// user tag. Sealed under a data key of its own, destroyed with the person.
#[must_use]
pub fn signup_key(event: u64, user_tag: &[u8; USER_TAG]) -> Vec<u8> {
    let mut k = signup_prefix(event);
    k.extend_from_slice(user_tag);
    k
}

/// Prefix of every sign-up consent record of an event.
#[must_use]
pub fn signup_prefix(event: u64) -> Vec<u8> {
    let mut k = vec![b's'];
    k.extend_from_slice(&event.to_be_bytes());
    k
}

/// Key of a broadcast.
#[must_use]
pub fn broadcast_key(id: u64) -> Vec<u8> {
    let mut k = vec![b'b'];
    k.extend_from_slice(&id.to_be_bytes());
    k
}

impl Tx<'_> {
    /// Loads an event.
    pub fn event(&self, id: u64) -> TxResult<Option<Event>> {
        self.get(self.events, "events", &event_key(id))
    }

    /// Writes an event back.
    pub fn save_event(&self, e: &Event) -> TxResult<()> {
        self.put(self.events, "events", &event_key(e.id), e)
    }

    /// Stores a new event; its id is assigned here (the one in `e` is ignored).
    pub fn create_event(&self, e: &Event) -> TxResult<u64> {
        let id = self.events.generate_id()? + 1;
        let mut e = e.clone();
        e.id = id;
        e.version = 1;
        if !e.is_public() && e.token.is_none() {
            e.token = Some(new_token());
        }
        let attendees = std::mem::take(&mut e.attendees);
        self.save_event(&e)?;
        for user in attendees {
            self.rsvp(user, id, true)?;
        }
        Ok(id)
    }

    /// Writes what an event rule returned: the event and the messages it queues.
    pub(super) fn apply(&self, c: &event::Change) -> TxResult<()> {
        self.save_event(&c.event)?;
        for item in &c.queue {
            self.enqueue(item.clone())?;
        }
        Ok(())
    }

    /// Replaces an event's details by [`event::update`]; made by `by` ([`event::made_by`]) when
    /// someone made the change.
    pub fn update_event(&self, edited: &Event, by: Option<UserId>) -> TxResult<()> {
        let Some(e) = self.event(edited.id)? else {
            return Ok(());
        };
        match event::update(&e, edited, self.now(), self.rules()) {
            Some(c) => self.apply(&match by {
                Some(u) => event::made_by(c, u),
                None => c,
            }),
            None => Ok(()),
        }
    }

    /// Cancels an event by [`event::cancel`]; made by `by` as [`Self::update_event`] is.
    pub fn cancel_event(&self, id: u64, by: Option<UserId>) -> TxResult<()> {
        let Some(e) = self.event(id)? else {
            return Ok(());
        };
        match event::cancel(&e, self.now()) {
            Some(c) => self.apply(&match by {
                Some(u) => event::made_by(c, u),
                None => c,
            }),
            None => Ok(()),
        }
    }

    /// Signs someone up or takes them off by [`event::rsvp`], as the engine decided on the
    /// event at revision `seen`; if it has changed since, the whole commit is refused
    /// ([`TxError::Stale`]) and the step is run again on the event as it is now.
    pub fn rsvp_seen(&self, user: UserId, id: u64, join: bool, seen: u64) -> TxResult<()> {
        if self.event(id)?.is_some_and(|e| e.revision != seen) {
            return Err(abort(TxError::Stale));
        }
        self.rsvp(user, id, join)
    }

    /// Signs someone up or takes them off by [`event::rsvp`]. Taken off, their sign-up's
    /// consent records go with it.
    pub fn rsvp(&self, user: UserId, id: u64, join: bool) -> TxResult<()> {
        let Some(e) = self.event(id)? else {
            return Ok(());
        };
        if !join {
            self.forget_signup(user, id)?;
        }
        match event::rsvp(&e, user, join, self.now(), self.rules()) {
            (Some(c), _) => self.apply(&c),
            (None, _) => Ok(()),
        }
    }

    /// Signs the other parent of a shared family up beside their family, or takes them off,
    /// by [`event::co_parent`].
    pub fn co_parent(&self, user: UserId, id: u64, join: bool) -> TxResult<()> {
        let Some(e) = self.event(id)? else {
            return Ok(());
        };
        match event::co_parent(&e, user, join, self.now(), self.rules()) {
            Some(c) => self.apply(&c),
            None => Ok(()),
        }
    }

    /// The other parent takes over their family's seat by [`event::seat_co_parent`]; if
    /// they were not beside it, they are signed up by [`event::rsvp`].
    pub fn take_family_seat(&self, user: UserId, id: u64) -> TxResult<()> {
        let Some(e) = self.event(id)? else {
            return Ok(());
        };
        match event::seat_co_parent(&e, user, self.now(), self.rules()) {
            Some(c) => self.apply(&c),
            None => self.rsvp(user, id, true),
        }
    }

    /// Drops the consent records of someone's sign-up for an event they left.
    pub(super) fn forget_signup(&self, user: UserId, id: u64) -> TxResult<()> {
        self.events
            .remove(signup_key(id, &self.user_tag(user)).as_slice())?;
        Ok(())
    }

    /// Stores the consent records of a sign-up, if the person is on the event (or its waiting
    /// list) after this step's sign-up.
    pub fn save_signup(&self, user: UserId, id: u64, record: &SignUp) -> TxResult<()> {
        let on_it = self
            .event(id)?
            .is_some_and(|e| e.attending(user) || e.queued(user));
        if on_it {
            self.put(
                self.events,
                "events",
                &signup_key(id, &self.user_tag(user)),
                record,
            )?;
        }
        Ok(())
    }

    /// Withdraws the consent to show the name for a sign-up: the name goes, the records stay.
    pub fn hide_name(&self, user: UserId, id: u64) -> TxResult<()> {
        let key = signup_key(id, &self.user_tag(user));
        if let Some(s) = self.get::<SignUp>(self.events, "events", &key)? {
            self.put(self.events, "events", &key, &s.name_hidden(self.now()))?;
        }
        Ok(())
    }

    /// Strikes someone erased off an event by [`event::strike`].
    pub fn strike(&self, user: UserId, id: u64) -> TxResult<()> {
        let Some(e) = self.event(id)? else {
            return Ok(());
        };
        match event::strike(&e, user, self.now(), self.rules()) {
            Some(c) => self.apply(&c),
            None => Ok(()),
        }
    }

    /// Changes a launch's series by [`crate::domain::series::edit`]: reads the launch's
    /// meetings, writes the changed ones and queues one message per family.
    pub fn edit_series(&self, launch: u64, change: crate::domain::series::Edit) -> TxResult<()> {
        let Some(l) = self.load_launch(launch)? else {
            return Ok(());
        };
        let mut meetings = Vec::new();
        for id in l.meeting_ids() {
            if let Some(e) = self.event(id)? {
                meetings.push(e);
            }
        }
        meetings.sort_by_key(|e| e.start);
        let Some(edited) =
            crate::domain::series::edit(launch, &meetings, change, self.now(), self.rules())
        else {
            return Ok(());
        };
        for e in &edited.events {
            self.save_event(e)?;
        }
        for item in &edited.queue {
            self.enqueue(item.clone())?;
        }
        Ok(())
    }

    /// Marks whether someone came to a meeting by [`event::mark_attendance`].
    pub fn mark_attendance(&self, id: u64, user: UserId, came: bool) -> TxResult<()> {
        let Some(e) = self.event(id)? else {
            return Ok(());
        };
        match event::mark_attendance(&e, user, came, self.now()) {
            Some(c) => self.apply(&c),
            None => Ok(()),
        }
    }

    /// Records one feedback answer by [`feedback::record`] (a second answer to a question
    /// replaces the first).
    pub fn feedback(&self, user: UserId, event: u64, answer: &feedback::Answer) -> TxResult<()> {
        let key = feedback_key(event, &self.user_tag(user));
        let old = self.get::<Feedback>(self.events, "events", &key)?;
        match feedback::record(old, answer, self.now()) {
            Some(f) => self.put(self.events, "events", &key, &f),
            None => Ok(()),
        }
    }

    /// Records a broadcast and queues its messages by [`event::broadcast`].
    pub fn broadcast(
        &self,
        from: UserId,
        audience: &Audience,
        text: &str,
        to: &[UserId],
    ) -> TxResult<()> {
        let id = self.events.generate_id()? + 1;
        let (b, messages) = event::broadcast(id, from, audience, text, to, self.now());
        self.put(self.events, "events", &broadcast_key(id), &b)?;
        for (user, message) in messages {
            self.send(user, message)?;
        }
        Ok(())
    }

    /// A facilitator's message to a launch's families, by [`event::group_message`].
    pub fn group_message(
        &self,
        from: UserId,
        launch: u64,
        text: &str,
        to: &[UserId],
    ) -> TxResult<()> {
        let id = self.events.generate_id()? + 1;
        let (b, messages) = event::group_message(id, from, launch, text, to, self.now());
        self.put(self.events, "events", &broadcast_key(id), &b)?;
        for (user, message) in messages {
            self.send(user, message)?;
        }
        Ok(())
    }

    /// Counts one recipient's outcome by [`event::count_delivery`].
    pub fn broadcast_outcome(&self, id: u64, outcome: Delivery) -> TxResult<()> {
        let key = broadcast_key(id);
        let Some(b) = self.get::<Broadcast>(self.events, "events", &key)? else {
            return Ok(());
        };
        let Some((b, messages)) = event::count_delivery(&b, outcome) else {
            return Ok(());
        };
        self.put(self.events, "events", &key, &b)?;
        for (user, message) in messages {
            self.send(user, message)?;
        }
        Ok(())
    }
}

/// A fresh link token for a launch's meeting: 16 bytes from the operating system's random
/// source. That source does not fail on the systems kokoon runs on; should it ever, every
/// sealed write of the same transaction would stop too (see `Crypt::seal`), so stop here.
#[must_use]
pub fn new_token() -> String {
    let mut bytes = [0u8; 16];
    if let Err(e) = getrandom::fill(&mut bytes) {
        panic!("the operating system's random number generator failed: {e}");
    }
    event::token_from(bytes)
}
