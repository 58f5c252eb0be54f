//! Facilitators and their one-time links, inside a store transaction. Both live in the
//! `events` tree (one transaction covers them with everything else): `F` ‖ user tag →
//! [`Facilitator`], sealed under the person's own key (erased with them); `I` ‖ token →
//! [`FacilitatorInvite`].

use super::crypt::USER_TAG;
use super::tx::{Tx, TxResult};
use crate::domain::facilitator::{self, Crew, Facilitator, FacilitatorInvite};
use crate::domain::privacy::ConsentRecord;
use crate::domain::{GroupId, Outgoing, UserId};

/// The first byte of a facilitator's key.
pub const FACILITATOR: u8 = b'F';
/// The first byte of an invitation link's key.
pub const INVITE: u8 = b'I';
/// The first byte of a launch's crew (the facilitators asked and their answers).
pub const CREW: u8 = b'P';

/// Key of a launch's crew.
#[must_use]
pub fn crew_key(launch: u64) -> Vec<u8> {
    let mut k = vec![CREW];
    k.extend_from_slice(&launch.to_be_bytes());
    k
}

/// Key of a facilitator's record.
#[must_use]
pub fn facilitator_key(user_tag: &[u8; USER_TAG]) -> Vec<u8> {
    let mut k = vec![FACILITATOR];
    k.extend_from_slice(user_tag);
    k
}

/// Key of an invitation link.
#[must_use]
pub fn invite_key(token: &str) -> Vec<u8> {
    let mut k = vec![INVITE];
    k.extend_from_slice(token.as_bytes());
    k
}

impl Tx<'_> {
    /// A facilitator's record.
    pub fn facilitator(&self, user: UserId) -> TxResult<Option<Facilitator>> {
        let key = facilitator_key(&self.user_tag(user));
        self.get(self.events, "events", &key)
    }

    /// Stores a new invitation link.
    pub fn save_invite(&self, invite: &FacilitatorInvite) -> TxResult<()> {
        self.put(self.events, "events", &invite_key(&invite.token), invite)
    }

    /// `user` accepts a link by [`facilitator::redeem`] and [`facilitator::accept`]: they
    /// facilitate its groups, and the link is used. A link that is not valid changes nothing.
    pub fn become_facilitator(
        &self,
        user: UserId,
        token: &str,
        name: &str,
        consent: ConsentRecord,
    ) -> TxResult<()> {
        let key = invite_key(token);
        let invite: Option<FacilitatorInvite> = self.get(self.events, "events", &key)?;
        let Ok(invite) = facilitator::redeem(invite.as_ref(), user, self.now()) else {
            return Ok(());
        };
        let mut used = invite.clone();
        let record = facilitator::accept(
            self.facilitator(user)?,
            invite,
            user,
            name.to_owned(),
            consent,
        );
        used.used_by = Some(user);
        self.put(self.events, "events", &key, &used)?;
        self.put(
            self.events,
            "events",
            &facilitator_key(&self.user_tag(user)),
            &record,
        )?;
        self.send(
            used.by,
            Outgoing::FacilitatorJoined {
                user,
                groups: used.groups.clone(),
            },
        )
    }

    /// The facilitators the coordinator chose for a new launch are asked ([`Crew::new`]), each
    /// with a proposal of the time and place.
    pub fn create_crew(&self, launch: u64, users: &[UserId], hold: bool) -> TxResult<()> {
        let crew = Crew::new(launch, users, hold);
        self.put(self.events, "events", &crew_key(launch), &crew)?;
        for a in &crew.asked {
            self.send(a.user, Outgoing::LaunchProposal { launch })?;
        }
        Ok(())
    }

    /// A facilitator's answer to a proposal, by [`facilitator::answer`]; the coordinator is
    /// told. The first yes lets held invitations go (the sender plans them next).
    pub fn answer_crew(&self, user: UserId, launch: u64, yes: bool) -> TxResult<()> {
        let key = crew_key(launch);
        let Some(crew) = self.get::<Crew>(self.events, "events", &key)? else {
            return Ok(());
        };
        let Some(l) = self.load_launch(launch)? else {
            return Ok(());
        };
        let Some((crew, news, leads)) = facilitator::answer(&crew, user, yes, l.coordinator) else {
            return Ok(());
        };
        self.put(self.events, "events", &key, &crew)?;
        for (to, m) in news {
            self.send(to, m)?;
        }
        self.lead_launch(launch, &leads)
    }

    /// A coordinator lets a launch's held invitations go, by [`facilitator::release`] (the
    /// sender plans them next).
    pub fn release_crew(&self, launch: u64) -> TxResult<()> {
        let key = crew_key(launch);
        let Some(crew) = self.get::<Crew>(self.events, "events", &key)? else {
            return Ok(());
        };
        match facilitator::release(&crew) {
            Some(c) => self.put(self.events, "events", &key, &c),
            None => Ok(()),
        }
    }

    /// Someone erased leaves a launch's crew by [`Crew::forget`].
    pub fn forget_in_crew(&self, launch: u64, user: UserId) -> TxResult<()> {
        let key = crew_key(launch);
        let Some(crew) = self.get::<Crew>(self.events, "events", &key)? else {
            return Ok(());
        };
        match crew.forget(user) {
            Some(c) => self.put(self.events, "events", &key, &c),
            None => Ok(()),
        }
    }

    /// Facilitators lead a launch's meetings (every one of its series) by
    /// [`crate::domain::event::lead`]: listed on each, they get its reminders.
    pub fn lead_launch(&self, launch: u64, users: &[UserId]) -> TxResult<()> {
        if users.is_empty() {
            return Ok(());
        }
        let Some(l) = self.load_launch(launch)? else {
            return Ok(());
        };
        for id in l.meeting_ids() {
            let Some(e) = self.event(id)? else {
                continue;
            };
            if let Some(c) = crate::domain::event::lead(&e, users, self.now(), self.rules()) {
                self.apply(&c)?;
            }
        }
        Ok(())
    }

    /// A coordinator removes `user` from the facilitators of `groups` (all of them: the record
    /// goes); the person is told, neutrally.
    pub fn remove_facilitator(&self, user: UserId, groups: &[GroupId]) -> TxResult<()> {
        let key = facilitator_key(&self.user_tag(user));
        let Some(mut f) = self.get::<Facilitator>(self.events, "events", &key)? else {
            return Ok(());
        };
        f.groups.retain(|g| !groups.contains(g));
        if f.groups.is_empty() {
            self.events.remove(key.as_slice())?;
        } else {
            self.put(self.events, "events", &key, &f)?;
        }
        self.send(
            user,
            Outgoing::FacilitatorRemoved {
                groups: groups.to_vec(),
            },
        )
    }
}
