//! Facilitators and their one-time links, inside a store transaction. Both live in the
//! `events` tree (one transaction covers them with everything else): `F` ‖ user tag →
//! [`Facilitator`], sealed under the person's own key (erased with them); `I` ‖ token →
//! [`FacilitatorInvite`].

use super::crypt::USER_TAG;
use super::tx::{Tx, TxResult};
use crate::domain::facilitator::{self, Facilitator, FacilitatorInvite};
use crate::domain::privacy::ConsentRecord;
use crate::domain::{GroupId, Outgoing, UserId};

/// The first byte of a facilitator's key.
pub const FACILITATOR: u8 = b'F';
/// The first byte of an invitation link's key.
pub const INVITE: u8 = b'I';

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
