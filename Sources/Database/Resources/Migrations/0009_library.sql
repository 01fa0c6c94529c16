-- The library: saved flags, share links, client events, the purge, bans that hide blobs,
-- and which finished jobs the owner has not looked at yet.

-- Saved is a state of the image (the `saved` event records when it was set).
ALTER TABLE ad_image ADD COLUMN is_saved boolean NOT NULL DEFAULT false;

-- A share link names the image by an unguessable token; it is answered only while the image
-- is neither deleted, purged nor banned.
ALTER TABLE ad_image ADD COLUMN share_token text;
CREATE UNIQUE INDEX ad_image_share_token_key ON ad_image (share_token) WHERE share_token IS NOT NULL;

-- Where the blob is now: a banned image's blob is moved under `hidden/` by a task, so its
-- public URL stops answering; unbanning moves it back.
ALTER TABLE ad_image ADD COLUMN blob_hidden boolean NOT NULL DEFAULT false;

-- The purge walks soft-deleted images by due time.
CREATE INDEX ad_image_purge_due_idx ON ad_image (delete_at) WHERE delete_at IS NOT NULL AND NOT is_deleted;

-- Client events (a review's swipes, views) besides the document's action events.
ALTER TABLE ad_event DROP CONSTRAINT ad_event_event_type_check;
ALTER TABLE ad_event ADD CONSTRAINT ad_event_event_type_check CHECK (event_type IN (
    'saved', 'deleted', 'restored', 'downloaded', 'shared', 'auto_delete',
    'unsaved', 'viewed', 'review_kept', 'review_discarded'));

-- A client's own id for an event it sent: a batch sent again after a dropped connection adds
-- nothing twice.
ALTER TABLE ad_event ADD COLUMN client_event_id text;
CREATE UNIQUE INDEX ad_event_client_event_key ON ad_event (user_id, client_event_id) WHERE client_event_id IS NOT NULL;

-- The purge writes one auto_delete per image, whatever crashes and retries happen.
CREATE UNIQUE INDEX ad_event_auto_delete_once ON ad_event (ad_image_id) WHERE event_type = 'auto_delete';

-- When the owner last opened a job; a succeeded job completed after that is "new".
ALTER TABLE generation_job ADD COLUMN viewed_at timestamptz;
