//! Events, sign-ups, waiting lists, feedback and broadcasts inside a store transaction.

use super::crypt::USER_TAG;
use super::tx::{Tx, TxResult};
use crate::domain::event::{Audience, Broadcast, Event, Feedback};
use crate::domain::{Outgoing, UserId};

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
        let attendees = std::mem::take(&mut e.attendees);
        self.save_event(&e)?;
        for user in attendees {
            self.rsvp(user, id, true)?;
        }
        Ok(id)
    }

    /// Replaces an event's details (time, place, texts, capacity). Everyone signed up or
    /// waiting is told; reminders are queued anew for the new time (the old ones are skipped
    /// by their version). A larger capacity lets the waiting list in.
    pub fn update_event(&self, edited: &Event) -> TxResult<()> {
        let Some(mut e) = self.event(edited.id)? else {
            return Ok(());
        };
        if e.cancelled {
            return Ok(());
        }
        e.title = edited.title.clone();
        e.description = edited.description.clone();
        e.start = edited.start;
        e.end = edited.end;
        e.place = edited.place.clone();
        e.capacity = edited.capacity;
        e.key = edited.key.clone().or(e.key);
        e.version += 1;
        for user in e.attendees.iter().chain(e.waiting.iter()) {
            self.send(*user, Outgoing::EventChanged { event: e.id })?;
        }
        for user in e.attendees.clone() {
            self.queue_reminders(&e, user)?;
        }
        self.save_event(&e)?;
        self.promote(e.id)
    }

    /// Cancels an event and tells everyone signed up or waiting.
    pub fn cancel_event(&self, id: u64) -> TxResult<()> {
        let Some(mut e) = self.event(id)? else {
            return Ok(());
        };
        if e.cancelled {
            return Ok(());
        }
        e.cancelled = true;
        e.version += 1;
        for user in e.attendees.iter().chain(e.waiting.iter()) {
            self.send(*user, Outgoing::EventCancelled { event: id })?;
        }
        self.save_event(&e)
    }

    /// Signs someone up (or into the waiting list when full), or takes them off; a freed seat
    /// goes to the first in the waiting list, who is told.
    pub fn rsvp(&self, user: UserId, id: u64, join: bool) -> TxResult<()> {
        let Some(mut e) = self.event(id)? else {
            return Ok(());
        };
        if e.cancelled || e.start <= self.now() {
            return Ok(());
        }
        if join {
            if e.attending(user) || e.queued(user) {
                return Ok(());
            }
            if e.is_full() {
                e.waiting.push(user);
            } else {
                e.attendees.push(user);
                self.queue_reminders(&e, user)?;
            }
            return self.save_event(&e);
        }
        let was_attending = e.attending(user);
        e.attendees.retain(|u| *u != user);
        e.waiting.retain(|u| *u != user);
        self.save_event(&e)?;
        if was_attending {
            self.promote(id)?;
        }
        Ok(())
    }

    /// Gives free seats to the waiting list, first come first served.
    fn promote(&self, id: u64) -> TxResult<()> {
        let Some(mut e) = self.event(id)? else {
            return Ok(());
        };
        let mut changed = false;
        while !e.is_full() && !e.waiting.is_empty() {
            let user = e.waiting.remove(0);
            e.attendees.push(user);
            self.send(user, Outgoing::Promoted { event: id })?;
            self.queue_reminders(&e, user)?;
            changed = true;
        }
        if changed {
            self.save_event(&e)?;
        }
        Ok(())
    }

    /// Queues an attendee's reminders and the feedback question for the event as it is now.
    fn queue_reminders(&self, e: &Event, user: UserId) -> TxResult<()> {
        for due in self.rules().reminder_times(e.start, self.now()) {
            self.send_at(
                user,
                due,
                Outgoing::Reminder {
                    event: e.id,
                    version: e.version,
                },
            )?;
        }
        self.send_at(
            user,
            self.rules().feedback_time(e.end),
            Outgoing::FeedbackRequest { event: e.id },
        )
    }

    /// Records a rating (a second rating replaces the first, keeping the comment).
    pub fn feedback(&self, user: UserId, event: u64, rating: u8) -> TxResult<()> {
        let key = feedback_key(event, &self.user_tag(user));
        let comment = self
            .get::<Feedback>(self.events, "events", &key)?
            .and_then(|f| f.comment);
        let f = Feedback {
            rating,
            comment,
            at: self.now(),
        };
        self.put(self.events, "events", &key, &f)
    }

    /// Adds the optional comment to someone's rating.
    pub fn feedback_comment(&self, user: UserId, event: u64, text: &str) -> TxResult<()> {
        let key = feedback_key(event, &self.user_tag(user));
        if let Some(mut f) = self.get::<Feedback>(self.events, "events", &key)? {
            f.comment = Some(text.to_owned());
            self.put(self.events, "events", &key, &f)?;
        }
        Ok(())
    }

    /// Records a broadcast and queues one message per recipient.
    pub fn broadcast(
        &self,
        from: UserId,
        audience: &Audience,
        text: &str,
        to: &[UserId],
    ) -> TxResult<()> {
        let id = self.events.generate_id()? + 1;
        let b = Broadcast {
            id,
            from,
            audience: audience.clone(),
            text: text.to_owned(),
            total: u32::try_from(to.len()).unwrap_or(u32::MAX),
            sent: 0,
            unreachable: 0,
            failed: 0,
            at: Some(self.now()),
        };
        self.put(self.events, "events", &broadcast_key(id), &b)?;
        for user in to {
            self.send(*user, Outgoing::Broadcast { broadcast: id })?;
        }
        if b.done() {
            self.send(from, Outgoing::BroadcastReport { broadcast: id })?;
        }
        Ok(())
    }

    /// Counts one recipient's outcome; the report is queued when the last one is counted.
    pub fn broadcast_outcome(&self, id: u64, outcome: Delivery) -> TxResult<()> {
        let key = broadcast_key(id);
        let Some(mut b) = self.get::<Broadcast>(self.events, "events", &key)? else {
            return Ok(());
        };
        if b.done() {
            return Ok(());
        }
        match outcome {
            Delivery::Sent => b.sent += 1,
            Delivery::Unreachable => b.unreachable += 1,
            Delivery::Failed => b.failed += 1,
        }
        self.put(self.events, "events", &key, &b)?;
        if b.done() {
            self.send(b.from, Outgoing::BroadcastReport { broadcast: id })?;
        }
        Ok(())
    }
}

/// How one message of a broadcast ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Delivered.
    Sent,
    /// The recipient blocked the bot or never started it.
    Unreachable,
    /// Failed after every retry.
    Failed,
}
