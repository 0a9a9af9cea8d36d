package org.resilient.support.lock;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * Who holds a lock, as written in its file ({@code key=value} lines): {@code host}, {@code pid},
 * {@code process-start} (when the holding process started, to tell a reused pid), {@code since} (when the lock
 * was taken), {@code operation} (what it does) and {@code token} (which taking of the lock this is). Read leniently:
 * any field may be missing from an empty, damaged or foreign file, and {@link #named()} says whether the holder
 * can be told at all, so that no message ever reads "pid null".
 *
 * @param host the holder's host name, or null
 * @param pid the holder's process id as written, or null
 * @param processStart when the holder process started (ISO-8601), or null
 * @param since when the lock was taken, as written, or null
 * @param operation what the holder does, or null
 * @param token the identity of this taking of the lock, or null
 */
public record LockHolder(String host, String pid, String processStart, String since, String operation, String token) {

    /**
     * The holder record of this process, taking a lock now.
     *
     * @param operation what it does (e.g. {@code store b1})
     * @param since the time to record
     * @param token the identity of this taking of the lock
     * @return the record
     */
    public static LockHolder current(String operation, Instant since, String token) {
        ProcessHandle me = ProcessHandle.current();
        return new LockHolder(hostName(), Long.toString(me.pid()),
                me.info().startInstant().map(Instant::toString).orElse(null), since.toString(), operation, token);
    }

    /**
     * Reads a lock file's text. Never fails: what cannot be read is missing.
     *
     * @param text the file's content
     * @return the holder, with null for every field the text does not give
     */
    public static LockHolder parse(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            return new LockHolder(null, null, null, null, null, null);
        }
        // "start" is the real lock time in the files of the archive's former lock: it is shown as "since", and
        // as the holder process started before it, it bounds that start as well as "process-start" does.
        String start = field(p, "start");
        String processStart = field(p, "process-start");
        String since = field(p, "since");
        return new LockHolder(field(p, "host"), field(p, "pid"), processStart != null ? processStart : start,
                since != null ? since : start, field(p, "operation"), field(p, "token"));
    }

    private static String field(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /**
     * The file content for this holder.
     *
     * @return UTF-8 {@code key=value} lines
     */
    public byte[] toBytes() {
        StringBuilder s = new StringBuilder();
        line(s, "host", host);
        line(s, "pid", pid);
        line(s, "process-start", processStart);
        line(s, "since", since);
        line(s, "operation", operation);
        line(s, "token", token);
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void line(StringBuilder s, String key, String value) {
        if (value != null) {
            // Escaped as Properties reads it back: an operation naming a backup must not break the file.
            s.append(key).append('=').append(value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r"))
                    .append('\n');
        }
    }

    /**
     * Whether the record names its holder: a host and a numeric pid.
     *
     * @return false for an empty, damaged or foreign file
     */
    public boolean named() {
        return host != null && pidNumber().isPresent();
    }

    /**
     * The holder for messages: {@code pid 4711 on host pbs1 since 2026-11-25T10:00:00Z}.
     *
     * @return the description, or "an unknown holder" when the record does not name one
     */
    public String describe() {
        if (!named()) {
            return "an unknown holder";
        }
        return "pid " + pid + " on host " + host + (since != null ? " since " + since : "");
    }

    /**
     * Whether the holder is on this host.
     *
     * @return true if its host is this machine's name
     */
    public boolean onThisHost() {
        return hostName().equals(host);
    }

    /**
     * Whether the holder is certainly gone: it is on this host and its pid is not running, or is running a
     * process started after the holder (a reused pid). A holder on another host, or a record that does not name
     * its holder, is never judged gone (it cannot be checked from here).
     *
     * @return true if the lock may be taken over
     */
    public boolean isGone() {
        if (!named() || !onThisHost()) {
            return false;
        }
        Optional<ProcessHandle> ph = ProcessHandle.of(pidNumber().getAsLong());
        if (ph.isEmpty() || !ph.get().isAlive()) {
            return true;
        }
        // The pid may have been reused by a newer process after the holder died. Only the recorded process start
        // tells; "since" may come from a caller's (test) clock and is never used for this.
        Optional<Instant> started = ph.get().info().startInstant();
        Instant recorded = instant(processStart);
        return started.isPresent() && recorded != null && started.get().isAfter(recorded.plusSeconds(1));
    }

    private OptionalLong pidNumber() {
        if (pid == null) {
            return OptionalLong.empty();
        }
        try {
            long n = Long.parseLong(pid);
            return n > 0 ? OptionalLong.of(n) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static Instant instant(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * This machine's name, as written into locks. Looked up once: the lookup may be slow (DNS), and the name does
     * not change while we run.
     *
     * @return the host name
     */
    public static String hostName() {
        return HostName.NAME;
    }

    private static final class HostName {
        static final String NAME = lookup();

        private static String lookup() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                String env = System.getenv("HOSTNAME");
                return env != null ? env : "localhost";
            }
        }
    }
}
