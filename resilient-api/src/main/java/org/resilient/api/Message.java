package org.resilient.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A message between nodes, carried by a {@link org.resilient.api.spi.Transport}. Every message carries the
 * sender's epoch; a receiver refuses (and logs) messages from an epoch older than its own.
 *
 * @param type what the message says
 * @param from the sending node's transport URI as text (e.g. {@code file:/srv/db0}); it names the node and
 *     tells the receiver where to pull from or answer to
 * @param epoch the sender's epoch
 * @param backupId the backup concerned, or null for messages about no backup
 * @param sentAt when it was sent
 * @param sequence the leader's export sequence number of {@code backupId} (0 when unknown or about no backup): with
 *     the epoch, it orders backups, so a new leader whose clock is behind the old one's is not taken as older
 * @param nonce a random text making the message unique with {@code sentAt} (a receiver with keys refuses a
 *     sender's message that is not newer than the last it accepted from it), or null on an unsigned message
 * @param signature the sender's signature over the message's other fields, or null if unsigned
 */
public record Message(Type type, String from, Epoch epoch, BackupId backupId, Instant sentAt, long sequence,
                      String nonce, MessageSignature signature) {

    /** What a message says. */
    public enum Type {
        /** An export node published a backup; pull-backup nodes should pull it. */
        BACKUP_PUBLISHED,
        /** A pull-backup node delivered a backup to an import node; it should import it. */
        BACKUP_DELIVERED,
        /** A new leader took over in the message's epoch; older leaders must demote themselves. */
        LEADER_CHANGED,
        /**
         * A node refused a message because its epoch is older than the receiver's (whose epoch this message
         * carries): the sender learns it is stale, and a deposed leader demotes itself.
         */
        EPOCH_REFUSED
    }

    /**
     * An unsigned message.
     *
     * @param type what the message says
     * @param from the sending node's URI as text
     * @param epoch the sender's epoch
     * @param backupId the backup concerned, or null
     * @param sentAt when it was sent
     * @param sequence the leader's sequence number of the backup, or 0
     */
    public Message(Type type, String from, Epoch epoch, BackupId backupId, Instant sentAt, long sequence) {
        this(type, from, epoch, backupId, sentAt, sequence, null, null);
    }

    /**
     * A message without a sequence number.
     *
     * @param type what the message says
     * @param from the sending node's URI as text
     * @param epoch the sender's epoch
     * @param backupId the backup concerned, or null
     * @param sentAt when it was sent
     */
    public Message(Type type, String from, Epoch epoch, BackupId backupId, Instant sentAt) {
        this(type, from, epoch, backupId, sentAt, 0);
    }

    /**
     * Checks the message.
     *
     * @throws NullPointerException if a required field is missing
     */
    public Message {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(sentAt, "sentAt");
        if (type == Type.BACKUP_PUBLISHED || type == Type.BACKUP_DELIVERED) {
            Objects.requireNonNull(backupId, "backupId");
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence " + sequence + " is negative");
        }
        if (nonce != null && (nonce.isEmpty() || !nonce.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw new IllegalArgumentException("nonce must be printable ASCII without spaces");
        }
    }

    /**
     * This message as signed: with a nonce and a signature.
     *
     * @param sentAt when it is sent (strictly later than the sender's previous message)
     * @param nonce a random text
     * @param signature the signature over {@link MessageCodec#signedBytes} of the message with these
     * @return the signed message
     */
    public Message signed(Instant sentAt, String nonce, MessageSignature signature) {
        return new Message(type, from, epoch, backupId, sentAt, sequence, nonce, signature);
    }

    /** @return this message without its signature (what the signature covers) */
    public Message unsigned() {
        return new Message(type, from, epoch, backupId, sentAt, sequence, nonce, null);
    }
}
