import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a deterministic, database-dump-like directory (pg_dump-style COPY text per table, plus a binary
 * file) as it would look at generation G of a workload, every file written afresh.
 *
 * usage: java GenDump.java OUTDIR typical|adversarial GEN [SCALE]   (SCALE 1.0 = about 1 GiB)
 *
 * typical: most tables unchanged; "orders" grows by 1% appended rows per generation; "events" has 0.5% of
 * its rows updated, all among its newest 5%. adversarial: 1% of the rows of every table updated at random
 * positions per generation (and 1% of the binary file's 8 KiB pages).
 */
public final class GenDump {
    static final String[] WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike "
            + "november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu red green blue "
            + "black white orange purple silver gold north south east west paris berlin london madrid rome vienna "
            + "prague warsaw oslo lisbon dublin athens street avenue road lane market square station garden river "
            + "hill valley forest lake bridge tower castle harbor museum school office store bakery cafe hotel "
            + "shipped pending delivered cancelled returned paid refunded open closed active inactive premium "
            + "standard basic gold silver bronze monday tuesday wednesday thursday friday saturday sunday").split(" ");

    record Table(String name, String columns, long baseRows, int kind) { }

    static final Table[] TABLES = {
        new Table("customers", "id, name, email, city, street, tier, created_at, balance", 1_100_000, 0),
        new Table("orders", "id, customer_id, status, amount, currency, created_at, updated_at, note", 2_900_000, 1),
        new Table("order_items", "order_id, line, product_id, quantity, price, discount", 4_200_000, 2),
        new Table("events", "id, kind, subject_id, payload, created_at, updated_at", 1_500_000, 3),
        new Table("products", "id, sku, title, description, price, stock, category", 120_000, 4),
    };
    static final long BINARY = 100L << 20;

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        String workload = args[1];
        int gen = Integer.parseInt(args[2]);
        double scale = args.length > 3 ? Double.parseDouble(args[3]) : 1.0;
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        StringBuilder toc = new StringBuilder("-- resilient benchmark dump, workload " + workload + ", generation "
                + gen + "\nSET statement_timeout = 0;\nSET client_encoding = 'UTF8';\n");
        for (Table t : TABLES) {
            long base = Math.max(1000, (long) (t.baseRows * scale));
            long rows = base;
            byte[] version = new byte[(int) (base * Math.pow(1.01, Math.max(gen, 0)) + 16)];
            for (int k = 1; k <= gen; k++) {
                java.util.SplittableRandom r = new java.util.SplittableRandom(k * 1_000_003L + t.kind * 7919L
                        + (workload.equals("typical") ? 0 : 1_000_000_007L));
                if (workload.equals("typical")) {
                    if (t.name.equals("orders")) {
                        rows += rows / 100;
                    } else if (t.name.equals("events")) {
                        long n = rows / 200;
                        long from = rows - rows / 20;
                        for (long i = 0; i < n; i++) {
                            version[(int) (from + r.nextLong(rows - from))]++;
                        }
                    }
                } else {
                    long n = rows / 100;
                    for (long i = 0; i < n; i++) {
                        version[(int) r.nextLong(rows)]++;
                    }
                }
            }
            toc.append("COPY public.").append(t.name).append(" (").append(t.columns).append(") FROM '")
                    .append(t.name).append(".dat';\n");
            writeTable(out.resolve(t.name + ".dat"), t, rows, version);
        }
        Files.writeString(out.resolve("toc.sql"), toc.toString());
        writeBinary(out.resolve("blob.bin"), (long) (BINARY * scale), workload, gen);
        System.err.printf("generated %s gen %d in %.1f s%n", workload, gen, (System.nanoTime() - t0) / 1e9);
    }

    static final class Buf {
        final byte[] b = new byte[1 << 20];
        int n;
        final OutputStream out;

        Buf(OutputStream out) {
            this.out = out;
        }

        void room() throws IOException {
            if (n > b.length - 4096) {
                out.write(b, 0, n);
                n = 0;
            }
        }

        Buf s(String v) {
            for (int i = 0; i < v.length(); i++) {
                b[n++] = (byte) v.charAt(i);
            }
            return this;
        }

        Buf c(char ch) {
            b[n++] = (byte) ch;
            return this;
        }

        Buf l(long v) {
            if (v < 0) {
                b[n++] = '-';
                v = -v;
            }
            int start = n;
            do {
                b[n++] = (byte) ('0' + v % 10);
                v /= 10;
            } while (v > 0);
            for (int i = start, j = n - 1; i < j; i++, j--) {
                byte x = b[i];
                b[i] = b[j];
                b[j] = x;
            }
            return this;
        }

        Buf money(long cents) {
            l(cents / 100).c('.');
            long c = cents % 100;
            if (c < 10) {
                c('0');
            }
            return l(c);
        }

        Buf ts(long seconds) {
            // 2020-01-01 + seconds, formatted cheaply (30-day months are fine for a benchmark)
            long d = seconds / 86400;
            long s = seconds % 86400;
            long y = 2020 + d / 360;
            long m = (d % 360) / 30 + 1;
            long dd = d % 30 + 1;
            l(y).c('-');
            two(m).c('-');
            two(dd).c(' ');
            two(s / 3600).c(':');
            two(s / 60 % 60).c(':');
            return two(s % 60);
        }

        Buf two(long v) {
            if (v < 10) {
                c('0');
            }
            return l(v);
        }

        void flush() throws IOException {
            out.write(b, 0, n);
            n = 0;
        }
    }

    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static String w(long h) {
        return WORDS[(int) Long.remainderUnsigned(h, WORDS.length)];
    }

    static void writeTable(Path file, Table t, long rows, byte[] version) throws IOException {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            Buf b = new Buf(os);
            for (long id = 1; id <= rows; id++) {
                b.room();
                int v = version[(int) (id - 1)];
                long h = mix(id * 31 + t.kind);
                long hv = mix(h + v * 0x632BE59BD9B4E019L);
                switch (t.kind) {
                    case 0 -> b.l(id).c('\t').s(w(h)).c(' ').s(w(h >>> 7)).c('\t').s(w(h >>> 14)).c('.')
                            .l(id).s("@example.com\t").s(w(h >>> 21)).c('\t').l((h >>> 28) % 999).c(' ')
                            .s(w(h >>> 36)).s(" street\t").s(w(hv >>> 3)).c('\t').ts((h >>> 20) % 150_000_000)
                            .c('\t').money((hv >>> 11) % 10_000_000).c('\n');
                    case 1 -> b.l(id).c('\t').l(1 + (h >>> 5) % 1_000_000).c('\t').s(w(hv)).c('\t')
                            .money((h >>> 17) % 5_000_000).s("\tEUR\t").ts(id * 50).c('\t')
                            .ts(id * 50 + v * 3600L + (hv >>> 40) % 3600).c('\t').s(w(h >>> 30)).c(' ')
                            .s(w(hv >>> 37)).c(' ').s(w(h >>> 44)).c('\n');
                    case 2 -> {
                        int lines = 1 + (int) ((h >>> 3) % 2);
                        for (int line = 1; line <= lines; line++) {
                            long hl = mix(h + line);
                            b.l(id).c('\t').l(line).c('\t').l(1 + (hl >>> 9) % 120_000).c('\t')
                                    .l(1 + ((hl ^ hv) >>> 20) % 9).c('\t').money((hl >>> 30) % 100_000).c('\t')
                                    .money(v * 5L).c('\n');
                        }
                    }
                    case 3 -> b.l(id).c('\t').s(w(h)).c('\t').l((h >>> 10) % 3_000_000).s("\t{\"state\": \"")
                            .s(w(hv)).s("\", \"by\": \"").s(w(h >>> 22)).s("\", \"n\": ").l(v).s(", \"tag\": \"")
                            .s(w(hv >>> 29)).s("\"}\t").ts(id * 90).c('\t').ts(id * 90 + v * 60L).c('\n');
                    default -> {
                        b.l(id).s("\tSKU-").l(h % 100_000_000L).c('\t').s(w(h >>> 3)).c(' ').s(w(h >>> 9)).c('\t');
                        for (int k = 0; k < 18; k++) {
                            b.s(w(mix(h + k))).c(' ');
                        }
                        b.c('\t').money((hv >>> 12) % 100_000).c('\t').l((hv >>> 30) % 1000).c('\t')
                                .s(w(h >>> 50)).c('\n');
                    }
                }
            }
            b.s("\\.\n").flush();
        }
    }

    static void writeBinary(Path file, long size, String workload, int gen) throws IOException {
        int page = 8192;
        long pages = size / page;
        byte[] patched = new byte[(int) pages];
        if (workload.equals("adversarial")) {
            for (int k = 1; k <= gen; k++) {
                java.util.SplittableRandom r = new java.util.SplittableRandom(k * 77_777L);
                for (long i = 0; i < pages / 100; i++) {
                    patched[(int) r.nextLong(pages)]++;
                }
            }
        }
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            byte[] p = new byte[page];
            for (long i = 0; i < pages; i++) {
                long h = mix(i * 13 + patched[(int) i]);
                // Half of each page is noise (incompressible), half is a repetitive record layout.
                for (int j = 0; j < page / 2; j += 8) {
                    long x = mix(h + j);
                    for (int k = 0; k < 8; k++) {
                        p[j + k] = (byte) (x >>> (k * 8));
                    }
                }
                for (int j = page / 2; j < page; j++) {
                    p[j] = (byte) ((j % 64 < 8) ? (h >>> ((j % 8) * 8)) : j % 64);
                }
                os.write(p);
            }
        }
    }
}
