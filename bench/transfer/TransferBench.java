import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.NodeLayout;
import org.resilient.api.OperationContext;
import org.resilient.api.ProgressListener;
import org.resilient.api.Settings;
import org.resilient.api.spi.Transport;
import org.resilient.core.manifest.BackupSealer;
import org.resilient.core.manifest.KnownDigests;
import org.resilient.https.ClusterKeys;
import org.resilient.https.HttpsTransportProvider;

/**
 * Pulls one backup between two https nodes on loopback, the way a pull-backup node pulls from the leader, and
 * prints machine-readable lines for run.sh: "warmup <seconds>" for the one untimed pull that warms the JVM up (see
 * the README: the first pull of a fresh JVM pays the JIT compilation of the TLS, AES-GCM and SHA-256 paths, which a
 * node daemon pays once in its life), "ready <round>" (then it waits for a line on stdin while run.sh runs scp),
 * "pull <round> <seconds>", and "resume <seconds>" for a pull resumed after one cancelled at half.
 * Usage: TransferBench DIR SIZE_MB FILES ROUNDS
 */
public final class TransferBench {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long sizeMb = Long.parseLong(args[1]);
        int files = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        Path keys = dir.resolve("keys");
        ClusterKeys.init(keys);
        URI a = URI.create("https://127.0.0.1:" + freePort());
        URI b = URI.create("https://127.0.0.1:" + freePort());
        Settings sa = settings(keys, a, dir.resolve("a"));
        Settings sb = settings(keys, b, dir.resolve("b"));
        HttpsTransportProvider provider = new HttpsTransportProvider();
        BackupId id = BackupId.of(Instant.now(), "bench");
        Path backup = new NodeLayout(dir.resolve("a")).backup(id);
        Path data = Files.createDirectories(NodeLayout.data(backup));
        byte[] block = new byte[1 << 20];
        java.util.Random random = new java.util.Random(42);
        for (int f = 0; f < files; f++) {
            try (var out = Files.newOutputStream(data.resolve("part-" + f + ".bin"))) {
                for (long m = 0; m < sizeMb / files; m++) {
                    random.nextBytes(block);
                    out.write(block);
                }
            }
        }
        BackupSealer.seal(backup, id, "files", "bench", Epoch.INITIAL, 0, Instant.now(), KnownDigests.NONE, ProgressListener.NONE,
                Cancellation.never());
        // The 1 GB just written is still dirty in the page cache: write it out now, so that the kernel's write-back
        // of the generator's data does not compete with the first rounds (of scp and of the pull alike).
        new ProcessBuilder("sync").inheritIO().start().waitFor();
        System.out.println("backup " + backup);
        BufferedReader go = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (AutoCloseable server = provider.serve(a, sa); Transport client = provider.open(b, sb)) {
            Path warm = dir.resolve("b/incoming/warmup");
            long w0 = System.nanoTime();
            client.pull(a, id, warm, OperationContext.builder(Files.createDirectories(dir.resolve("b/scratch"))).build());
            System.out.printf("warmup %.3f%n", (System.nanoTime() - w0) / 1e9);
            delete(warm);
            for (int r = 0; r < rounds; r++) {
                // scp runs here, in the same round, alternating with the pull (run.sh reads this line)
                System.out.println("ready " + r);
                System.out.flush();
                // One whole line per round: reading one byte let the next rounds start at once, during scp.
                if (go.readLine() == null) {
                    return;
                }
                Path target = dir.resolve("b/incoming/pull-" + r);
                long t0 = System.nanoTime();
                client.pull(a, id, target, OperationContext.builder(Files.createDirectories(dir.resolve("b/scratch")))
                        .build());
                System.out.printf("pull %d %.3f%n", r, (System.nanoTime() - t0) / 1e9);
                delete(target);
            }
            // Resume: cancel a pull at half of the bytes, then pull again; the second pull sends the rest only.
            Path target = dir.resolve("b/incoming/resume");
            long half = sizeMb * (1L << 20) / 2;
            Cancellation cancel = Cancellation.create();
            AtomicBoolean cancelled = new AtomicBoolean();
            ProgressListener atHalf = p -> {
                if (p.done() >= half && cancelled.compareAndSet(false, true)) {
                    cancel.cancel();
                }
            };
            try {
                client.pull(a, id, target, OperationContext.builder(dir.resolve("b/scratch")).progress(atHalf)
                        .cancellation(cancel).build());
            } catch (RuntimeException e) {
                System.out.println("cancelled at half: " + e.getMessage());
            }
            long t0 = System.nanoTime();
            client.pull(a, id, target, OperationContext.builder(dir.resolve("b/scratch")).build());
            System.out.printf("resume %.3f%n", (System.nanoTime() - t0) / 1e9);
        }
    }

    private static Settings settings(Path keys, URI node, Path nodeDir) throws IOException {
        new NodeLayout(nodeDir).create();
        Properties p = new Properties();
        p.load(new StringReader(ClusterKeys.addNode(keys, node, false).settings()));
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        m.put("node.dir", nodeDir.toString());
        m.put("https.request-timeout", "600s");
        return Settings.of(m);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void delete(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        }
    }
}
