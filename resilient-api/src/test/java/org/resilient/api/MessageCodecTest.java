package org.resilient.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("MessageCodec")
class MessageCodecTest {
    private static final Instant T = Instant.parse("2026-11-25T16:32:01.456789Z");

    @Test
    @DisplayName("reads back every type of message it wrote")
    void roundTrip() {
        for (Message m : List.of(
                new Message(Message.Type.BACKUP_PUBLISHED, "node0", new Epoch(3), new BackupId("20261125T163200.123Z-node0"), T),
                new Message(Message.Type.BACKUP_DELIVERED, "pbs-1", Epoch.INITIAL, new BackupId("b1"), T),
                new Message(Message.Type.LEADER_CHANGED, "node2 with space=and equals", new Epoch(9), null, T))) {
            assertEquals(m, MessageCodec.read(MessageCodec.write(m)));
        }
    }

    @Test
    @DisplayName("a signed message reads back with its nonce and signature; the signed bytes are the lines before them")
    void signedRoundTrip() {
        Message m = new Message(Message.Type.BACKUP_PUBLISHED, "file:/srv/db0", new Epoch(3), new BackupId("b1"), T, 7)
                .signed(T, "00ff", MessageSignature.of(new byte[] {1, 2, 3}, new byte[] {4, 5}));
        byte[] bytes = MessageCodec.write(m);
        Message back = MessageCodec.read(bytes);
        assertEquals(m, back);
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(text.substring(0, text.indexOf("signer-cert=")),
                new String(MessageCodec.signedBytes(back), StandardCharsets.UTF_8));
        assertThrows(ResilienceException.class, () -> MessageCodec.read(text.replaceAll("signer-cert=.*\n", "")
                .getBytes(StandardCharsets.UTF_8)), "a signature without its certificate was read");
    }

    @Test
    @DisplayName("ignores keys it does not know (a later version may add optional ones)")
    void ignoresUnknownKeys() {
        Message m = new Message(Message.Type.LEADER_CHANGED, "n", new Epoch(1), null, T);
        String text = new String(MessageCodec.write(m), StandardCharsets.UTF_8) + "future-key=x\n";
        assertEquals(m, MessageCodec.read(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    @DisplayName("refuses a time-stamped backup id whose time was damaged, which would sort after every real backup")
    void refusesDamagedTimeStamp() {
        String good = new String(MessageCodec.write(new Message(Message.Type.BACKUP_PUBLISHED, "node0", new Epoch(3),
                new BackupId("20261125T163200.123Z-node0"), T)), StandardCharsets.UTF_8);
        for (String damaged : List.of("20260q25T163200.123Z-node0", "20261325T163200.123Z-node0",
                "20261125T163200.123Z_node0", "20261125T163200.123z-node0", "20261125T253200.123Z-node0")) {
            ResilienceException e = assertThrows(ResilienceException.class, () -> MessageCodec.read(
                    good.replace("20261125T163200.123Z-node0", damaged).getBytes(StandardCharsets.UTF_8)), damaged);
            assertEquals(ErrorCode.MESSAGE_INVALID, e.code());
            assertTrue(e.getMessage().contains(damaged) && e.getMessage().contains("no valid time"), e.getMessage());
        }
        // Ids of other forms, and valid time-stamped ones, still read.
        for (String fine : List.of("b1", "20261125T163200.123Z-node0", "nightly-2026-11-25", "20261125")) {
            assertEquals(fine, MessageCodec.read(good.replace("20261125T163200.123Z-node0", fine)
                    .getBytes(StandardCharsets.UTF_8)).backupId().value());
        }
    }

    @Test
    @DisplayName("refuses garbage, a newer version, missing or malformed keys, with a message saying why")
    void refusesGarbage() {
        String good = new String(MessageCodec.write(new Message(Message.Type.BACKUP_PUBLISHED, "node0", new Epoch(3),
                new BackupId("b1"), T)), StandardCharsets.UTF_8);
        List<String[]> cases = List.of(
                new String[] {"", "newline"},
                new String[] {"hello world\n", "key=value"},
                new String[] {good.replace("resilient-message=1", "resilient-message=2"), "version 2"},
                new String[] {good.replace("type=BACKUP_PUBLISHED", "type=EXPLODE"), "EXPLODE"},
                new String[] {good.replace("backup-id=b1\n", ""), "backup-id"},
                new String[] {good.replace("backup-id=b1", "backup-id=../../etc"), "backup id"},
                new String[] {good.replace("epoch=3", "epoch=three"), "three"},
                new String[] {good.replace("epoch=3", "epoch=-1"), "negative"},
                new String[] {good.replace("sent-at=", "sent-at=yesterday"), "sent-at"},
                new String[] {good.substring(0, good.length() - 5), "newline"},
                new String[] {good + "from=other\n", "twice"},
                new String[] {"type=BACKUP_PUBLISHED\n", "resilient-message"});
        for (String[] c : cases) {
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> MessageCodec.read(c[0].getBytes(StandardCharsets.UTF_8)), c[0]);
            assertEquals(ErrorCode.MESSAGE_INVALID, e.code());
            assertTrue(e.getMessage().startsWith("malformed message") && e.getMessage().contains(c[1]),
                    c[1] + " in: " + e.getMessage());
        }
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, '\n'};
        assertThrows(ResilienceException.class, () -> MessageCodec.read(notUtf8));
    }

    @Test
    @DisplayName("refuses to write a sender name that could not be read back")
    void refusesBadSender() {
        Message m = new Message(Message.Type.LEADER_CHANGED, "evil\nepoch=99", new Epoch(1), null, T);
        assertEquals(ErrorCode.CONFIG_INVALID, assertThrows(ResilienceException.class, () -> MessageCodec.write(m)).code());
    }
}
