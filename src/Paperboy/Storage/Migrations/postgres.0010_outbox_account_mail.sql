-- Account mail (password resets) goes through the outbox like digests, for the same SMTP settings,
-- retries and exactly-once sending. Such a row belongs to a member, not to a subscription, so
-- subscription_id may be NULL (kind 'reset'; NULLs never collide in the UNIQUE key, and each reset
-- has a period of its own anyway).
ALTER TABLE outbox ALTER COLUMN subscription_id DROP NOT NULL;
