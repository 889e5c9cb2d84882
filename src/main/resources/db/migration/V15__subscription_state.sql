-- Which subscriptions exist, as a version every replica can compare (issue 21). Every step of a referral's cascade
-- used to look for active subscriptions in the database, usually finding none. Each replica now holds the topics that
-- have any subscription not turned off, and asks the database only for those. Whoever creates, replaces or deletes a
-- subscription bumps subscription_state.version and sends NOTIFY hub_subscriptions_changed in the same transaction,
-- as the directory does with directory_state, so every replica reloads within moments of the commit; replicas also
-- compare the version now and then in case a notification is missed.

CREATE TABLE subscription_state (
    singleton   boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    version     bigint      NOT NULL,
    updated_at  timestamptz NOT NULL
);

INSERT INTO subscription_state (singleton, version, updated_at) VALUES (true, 0, now());
