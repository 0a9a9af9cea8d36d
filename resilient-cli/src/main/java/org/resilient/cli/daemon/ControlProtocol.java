package org.resilient.cli.daemon;

import java.util.ArrayList;
import java.util.List;

/**
 * The control channel of a running node: a Unix domain socket {@code state/control.sock} in the node directory,
 * mode 0600 (only the node's user may ask it to work). One request per connection, UTF-8 text lines:
 *
 * <pre>
 * request   resilient-control/1 &lt;command&gt; [&lt;argument&gt; ...]      one line, at most 4096 bytes
 *           commands: export, export --announce-only, pull, import, status, status --json
 * response  out &lt;text&gt;        a line of the command's standard output
 *           err &lt;text&gt;        a line of its standard error
 *           exit &lt;status&gt;     its exit status, as the command would have exited; then the daemon closes
 * </pre>
 *
 * In {@code <text>} a backslash is written {@code \\} and a line break {@code \n}. The daemon runs an
 * {@code export}, {@code pull} or {@code import} on the node's own thread after the step it is running, and
 * answers when it is done. A client that finds no socket, or one nobody listens on (a daemon killed with
 * {@code kill -9} leaves it behind), does the work itself, as without a daemon.
 */
public final class ControlProtocol {
    /** The first word of every request; a later incompatible format gets a new one. */
    public static final String VERSION = "resilient-control/1";
    /** The socket's name in the node's {@code state/}. */
    public static final String SOCKET = "control.sock";
    /** The longest request line, in bytes. */
    static final int MAX_REQUEST = 4096;

    private ControlProtocol() {
    }

    /**
     * A response.
     *
     * @param lines the {@code out} and {@code err} lines in order, each prefixed with its kind and a space
     * @param exit the exit status
     */
    public record Reply(List<String> lines, int exit) {
        /** Freezes the lines. */
        public Reply {
            lines = List.copyOf(lines);
        }

        /** Builds a reply line by line. */
        public static final class Builder {
            private final List<String> lines = new ArrayList<>();

            /**
             * Adds standard output (one or more lines).
             *
             * @param text the text
             * @return this
             */
            public Builder out(String text) {
                text.lines().forEach(l -> lines.add("out " + l));
                return this;
            }

            /**
             * Adds standard error (one or more lines).
             *
             * @param text the text
             * @return this
             */
            public Builder err(String text) {
                text.lines().forEach(l -> lines.add("err " + l));
                return this;
            }

            /**
             * Ends the reply.
             *
             * @param exit the exit status
             * @return the reply
             */
            public Reply exit(int exit) {
                return new Reply(lines, exit);
            }
        }
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                out.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
