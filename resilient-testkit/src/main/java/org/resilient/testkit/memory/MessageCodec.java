package org.resilient.testkit.memory;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.Message;
import org.resilient.api.ResilienceException;

/**
 * The bytes of a message in an in-memory inbox: a small strict text format, so that the transport really
 * decodes what it delivers and can tell a garbled message from a good one.
 * <pre>
 * resilient-message 1
 * type BACKUP_PUBLISHED
 * from node0
 * epoch 3
 * backup-id 20261125T163200.000Z-node0
 * sent-at 2026-11-25T16:32:00.123Z
 * end
 * </pre>
 */
public final class MessageCodec {
    private static final String MAGIC = "resilient-message 1";

    private MessageCodec() {
    }

    /**
     * Encodes a message.
     *
     * @param m the message
     * @return its bytes
     */
    public static byte[] encode(Message m) {
        String s = MAGIC + "\n"
                + "type " + m.type() + "\n"
                + "from " + escape(m.from()) + "\n"
                + "epoch " + m.epoch().value() + "\n"
                + "backup-id " + (m.backupId() == null ? "-" : m.backupId().value()) + "\n"
                + "sent-at " + m.sentAt() + "\n"
                + "end\n";
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Decodes a message, refusing anything malformed.
     *
     * @param bytes the bytes
     * @return the message
     * @throws ResilienceException {@code MESSAGE_INVALID} saying what is wrong
     */
    public static Message decode(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw bad("not UTF-8 text");
        }
        String[] lines = text.split("\n", -1);
        if (lines.length != 8 || !lines[0].equals(MAGIC) || !lines[6].equals("end") || !lines[7].isEmpty()) {
            throw bad("not a complete resilient message");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 1; i < 6; i++) {
            int space = lines[i].indexOf(' ');
            if (space <= 0) {
                throw bad("line " + (i + 1) + " is not 'key value'");
            }
            fields.put(lines[i].substring(0, space), lines[i].substring(space + 1));
        }
        try {
            String id = require(fields, "backup-id");
            return new Message(Message.Type.valueOf(require(fields, "type")), unescape(require(fields, "from")),
                    new Epoch(Long.parseLong(require(fields, "epoch"))),
                    id.equals("-") ? null : new BackupId(id), Instant.parse(require(fields, "sent-at")));
        } catch (ResilienceException e) {
            throw e;
        } catch (RuntimeException e) {
            throw bad("bad field value: " + e.getMessage());
        }
    }

    private static String require(Map<String, String> fields, String key) {
        String v = fields.get(key);
        if (v == null) {
            throw bad("missing '" + key + "'");
        }
        return v;
    }

    private static String escape(String s) {
        return s.replace("%", "%25").replace("\n", "%0A");
    }

    private static String unescape(String s) {
        return s.replace("%0A", "\n").replace("%25", "%");
    }

    private static ResilienceException bad(String why) {
        return new ResilienceException(ErrorCode.MESSAGE_INVALID, "unreadable message: " + why);
    }
}
