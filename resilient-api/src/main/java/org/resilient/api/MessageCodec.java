package org.resilient.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text form of a {@link Message}, for any transport: UTF-8 {@code key=value} lines, the first being the
 * format version.
 * <pre>
 * resilient-message=1
 * type=BACKUP_PUBLISHED
 * from=node0
 * epoch=3
 * backup-id=20261125T163200.123Z-node0
 * sent-at=2026-11-25T16:32:01.456Z
 * sequence=7
 * nonce=5f0c2e9a1b7d4c33
 * signer-cert=MIIB...   (base64 DER X.509: the sender's certificate)
 * signature=MEUC...     (base64: the sender's signature over every line before signer-cert)
 * </pre>
 * {@code backup-id} is absent for messages about no backup, {@code sequence} when it is 0 (unknown). Reading is strict about what it needs (a
 * missing or malformed key, an unknown type, a newer version are refused) and ignores keys it does not know,
 * so a later version can add optional keys without breaking older readers. The signature covers the canonical
 * form of the fields ({@link #signedBytes}), which a reader rebuilds from what it parsed.
 */
public final class MessageCodec {
    /** The format version written and understood. */
    public static final int VERSION = 1;
    /** A message file is never bigger than this; anything larger is garbage. */
    public static final int MAX_BYTES = 64 * 1024;
    private static final String MAGIC = "resilient-message";

    private MessageCodec() {
    }

    /**
     * Serializes a message.
     *
     * @param m the message
     * @return UTF-8 bytes
     * @throws ResilienceException {@code CONFIG_INVALID} if the sender's name holds a line break or control
     *     character (it could not be read back)
     */
    public static byte[] write(Message m) {
        if (m.from().isEmpty() || m.from().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "node name '" + m.from()
                    + "' is empty or holds control characters; use letters, digits, '.', '_' and '-'");
        }
        StringBuilder s = new StringBuilder();
        s.append(MAGIC).append('=').append(VERSION).append('\n');
        s.append("type=").append(m.type().name()).append('\n');
        s.append("from=").append(m.from()).append('\n');
        s.append("epoch=").append(m.epoch().value()).append('\n');
        if (m.backupId() != null) {
            s.append("backup-id=").append(m.backupId().value()).append('\n');
        }
        s.append("sent-at=").append(m.sentAt()).append('\n');
        if (m.sequence() > 0) {
            s.append("sequence=").append(m.sequence()).append('\n');
        }
        if (m.nonce() != null) {
            s.append("nonce=").append(m.nonce()).append('\n');
        }
        if (m.signature() != null) {
            s.append("signer-cert=").append(m.signature().certificate()).append('\n');
            s.append("signature=").append(m.signature().value()).append('\n');
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The bytes a message's signature covers: its serialized form without {@code signer-cert} and
     * {@code signature} (so the lines before them).
     *
     * @param m the message
     * @return UTF-8 bytes
     */
    public static byte[] signedBytes(Message m) {
        return write(m.unsigned());
    }

    /**
     * Parses a message.
     *
     * @param bytes the text
     * @return the message
     * @throws ResilienceException {@code MESSAGE_INVALID} saying what is wrong for anything malformed or of a newer
     *     version
     */
    public static Message read(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw bad("it has " + bytes.length + " bytes, more than " + MAX_BYTES);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw bad("it is not UTF-8 text");
        }
        if (!text.endsWith("\n")) {
            throw bad("it does not end with a newline (truncated?)");
        }
        Map<String, String> kv = new LinkedHashMap<>();
        // -1 keeps empty lines (a blank line is refused, not dropped); the last element is the empty rest after
        // the final newline, checked above
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw bad("line " + (i + 1) + " is not 'key=value'");
            }
            if (i == 0 && !line.substring(0, eq).equals(MAGIC)) {
                throw bad("it does not start with '" + MAGIC + "='");
            }
            if (kv.put(line.substring(0, eq), line.substring(eq + 1)) != null) {
                throw bad("key '" + line.substring(0, eq) + "' appears twice");
            }
        }
        int version = (int) number(kv, MAGIC);
        if (version > VERSION || version < 1) {
            throw bad("it has format version " + version + " but this build reads 1 to " + VERSION
                    + "; upgrade resilient on this node");
        }
        Message.Type type;
        try {
            type = Message.Type.valueOf(need(kv, "type"));
        } catch (IllegalArgumentException e) {
            throw bad("unknown type '" + kv.get("type") + "'");
        }
        String from = need(kv, "from");
        long epoch = number(kv, "epoch");
        String sentAt = need(kv, "sent-at");
        String id = kv.get("backup-id");
        if (id == null && (type == Message.Type.BACKUP_PUBLISHED || type == Message.Type.BACKUP_DELIVERED)) {
            throw bad("key 'backup-id' is missing (required for " + type + ")");
        }
        BackupId backupId;
        try {
            backupId = id == null ? null : new BackupId(id);
        } catch (ResilienceException e) {
            throw bad(e.getMessage());
        }
        if (backupId != null && backupId.hasDamagedTime()) {
            // Unsigned messages have no other check: a damaged time would sort after every real backup.
            throw bad("backup id '" + id + "' has the form of a time-stamped id but no valid time (damaged in transit?)");
        }
        if (epoch < 0) {
            throw bad("epoch " + epoch + " is negative");
        }
        long sequence = kv.containsKey("sequence") ? number(kv, "sequence") : 0;
        if (sequence < 0) {
            throw bad("sequence " + sequence + " is negative");
        }
        String nonce = kv.get("nonce");
        String cert = kv.get("signer-cert");
        String sig = kv.get("signature");
        if ((cert == null) != (sig == null)) {
            throw bad("it has " + (cert == null ? "'signature' without 'signer-cert'" : "'signer-cert' without 'signature'"));
        }
        MessageSignature signature;
        try {
            signature = cert == null ? null : new MessageSignature(cert, sig);
            if (nonce != null && nonce.isEmpty()) {
                throw new IllegalArgumentException("nonce is empty");
            }
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
        try {
            return new Message(type, from, new Epoch(epoch), backupId, Instant.parse(sentAt), sequence, nonce, signature);
        } catch (DateTimeParseException e) {
            throw bad("sent-at '" + sentAt + "' is not an ISO-8601 instant");
        }
    }

    private static String need(Map<String, String> kv, String key) {
        String v = kv.get(key);
        if (v == null || v.isEmpty()) {
            throw bad("key '" + key + "' is missing");
        }
        return v;
    }

    private static long number(Map<String, String> kv, String key) {
        String v = need(kv, key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw bad(key + " '" + v + "' is not a number");
        }
    }

    private static ResilienceException bad(String why) {
        return new ResilienceException(ErrorCode.MESSAGE_INVALID, "malformed message: " + why);
    }
}
