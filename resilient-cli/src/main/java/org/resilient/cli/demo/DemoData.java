package org.resilient.cli.demo;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;

/**
 * The live data of the demo: a small "database" directory with table files in COPY-like text, a config
 * file with restricted permissions, an empty directory and a symbolic link; and the changes between cycles.
 */
final class DemoData {
    private final Path root;
    private final int sizeMb;
    private final Random random = new Random(42);

    DemoData(Path root, int sizeMb) {
        this.root = root;
        this.sizeMb = Math.max(1, sizeMb);
    }

    void seed() throws IOException {
        Files.createDirectories(root.resolve("tables"));
        Files.createDirectories(root.resolve("spool/empty"));
        Files.writeString(root.resolve("app.conf"), "listen=127.0.0.1:5432\nmax_connections=100\n");
        Files.setPosixFilePermissions(root.resolve("app.conf"), PosixFilePermissions.fromString("rw-------"));
        long perTable = (long) sizeMb * 1024 * 1024 / 4;
        for (String t : new String[] {"customers", "orders", "items", "events"}) {
            appendRows(t, 0, perTable);
        }
        Files.createSymbolicLink(root.resolve("current"), Path.of("tables/orders.tsv"));
    }

    /** Cycle 2: new orders appended, one customer changed in place. */
    void change2() throws IOException {
        appendRows("orders", rows("orders"), 64 * 1024);
        Path c = root.resolve("tables/customers.tsv");
        byte[] bytes = Files.readAllBytes(c);
        byte[] name = "CHANGED".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, bytes, bytes.length / 2, name.length);
        Files.write(c, bytes);
    }

    /** Cycle 3: a table dropped, a new one created, the config edited. */
    void change3() throws IOException {
        Files.delete(root.resolve("tables/items.tsv"));
        appendRows("invoices", 0, 128 * 1024);
        Files.writeString(root.resolve("app.conf"), "max_connections=200\n", StandardOpenOption.APPEND);
    }

    /** After the takeover: the new leader's data changes too. */
    static void changeAfterTakeover(Path live) throws IOException {
        Files.writeString(live.resolve("tables/after-takeover.tsv"), "1\twritten by the new leader\n");
    }

    private long rows(String table) throws IOException {
        try (var lines = Files.lines(root.resolve("tables/" + table + ".tsv"))) {
            return lines.count();
        }
    }

    private void appendRows(String table, long firstRow, long bytes) throws IOException {
        Path f = root.resolve("tables/" + table + ".tsv");
        long written = 0;
        long row = firstRow;
        try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            while (written < bytes) {
                String line = row + "\t" + table + "-" + Long.toHexString(random.nextLong()) + "\t"
                        + (random.nextInt(100000) / 100.0) + "\t2026-11-25 12:" + String.format("%02d", row % 60) + ":00+00\n";
                w.write(line);
                written += line.length();
                row++;
            }
        }
    }
}
