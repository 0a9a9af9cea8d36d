package org.resilient.core.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.resilient.api.BackupId;
import org.resilient.core.InterruptedStep;
import org.resilient.core.StepOutcome;
import org.resilient.support.fs.AtomicFiles;

/**
 * Markers of the steps in progress, {@code state/running-<step>}: written when a step starts, removed when it
 * ends (in success or in failure). A marker whose process is gone (killed, crashed, powered off) names an
 * interrupted step: an import killed in the middle of its swap, or after it but before its state was written,
 * leaves the standby in a state the node's records do not describe, and status must say so rather than report
 * the last good import as healthy.
 */
final class RunningSteps {
    private static final String PREFIX = "running-";
    /** Markers of steps running in this JVM: a marker with this process's pid but not here was left by a crash. */
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

    private final Path dir;

    RunningSteps(Path stateDir) {
        this.dir = stateDir;
    }

    void begin(String step, BackupId id, Instant since) {
        Path file = marker(step);
        Map<String, String> m = new HashMap<>();
        m.put("step", step);
        m.put("backup-id", id == null ? null : id.value());
        m.put("since", since.toString());
        ProcessHandle self = ProcessHandle.current();
        m.put("pid", Long.toString(self.pid()));
        m.put("pid-start", self.info().startInstant().map(Instant::toString).orElse(null));
        IN_FLIGHT.add(file);
        StateFiles.write(file, m);
    }

    /** The step ended and its outcome is recorded: its marker goes. */
    void end(String step) {
        AtomicFiles.deleteQuietly(marker(step));
    }

    /** The step's thread leaves it, however it ended (a marker left behind now reads as interrupted). */
    void release(String step) {
        IN_FLIGHT.remove(marker(step));
    }

    /**
     * The steps that started and neither ended nor run any more.
     *
     * @param lastRuns the last recorded outcome of each step: a marker older than its step's last outcome is a
     *     leftover of a run that ended (killed between recording and removing the marker) and is ignored
     * @return the interrupted steps, by step name
     */
    List<InterruptedStep> interrupted(Map<String, StepOutcome> lastRuns) {
        List<InterruptedStep> out = new ArrayList<>();
        for (Path file : markers()) {
            Map<String, String> m;
            try {
                m = StateFiles.read(file);
            } catch (RuntimeException e) {
                continue; // a damaged marker says nothing reliable; the step's next run replaces it
            }
            if (m.get("step") == null || m.get("since") == null || m.get("pid") == null) {
                continue;
            }
            Instant since = Instant.parse(m.get("since"));
            StepOutcome last = lastRuns.get(m.get("step"));
            if (last != null && !last.time().isBefore(since) || running(file, m)) {
                continue;
            }
            out.add(new InterruptedStep(m.get("step"), m.get("backup-id") == null ? null : new BackupId(m.get("backup-id")),
                    since, Long.parseLong(m.get("pid"))));
        }
        return out;
    }

    private static boolean running(Path file, Map<String, String> m) {
        long pid = Long.parseLong(m.get("pid"));
        if (pid == ProcessHandle.current().pid()) {
            return IN_FLIGHT.contains(file);
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        // After a reboot the pid may belong to another process: its start time tells them apart.
        String start = m.get("pid-start");
        return start == null || p.get().info().startInstant().map(s -> s.toString().equals(start)).orElse(true);
    }

    private List<Path> markers() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(PREFIX)).sorted().toList();
        } catch (IOException e) {
            throw AtomicFiles.ioError("list", dir, e);
        }
    }

    private Path marker(String step) {
        return dir.resolve(PREFIX + step);
    }

    /**
     * Repairs what steps killed in the middle left, before the node starts its schedule: the component of an import
     * node repairs its standby ({@link StandbyRepair}: an interrupted import is rolled back or forward and recorded as
     * such; one the component cannot tell is done again by the pending job, which an interrupted import always leaves). Steps that are atomic or redone by the pending job (export, pull, archive, push) are only
     * logged. An interrupted promotion stays reported until the node is promoted again.
     */
    static List<org.resilient.core.InterruptedStep> recover(NodeContext ctx, JobQueue queue, org.resilient.api.NodeRole role,
                                                            org.slf4j.Logger log) {
        RunningSteps running = new RunningSteps(ctx.layout().state());
        List<org.resilient.core.InterruptedStep> found = running.interrupted(ctx.state().lastRuns());
        for (org.resilient.core.InterruptedStep i : found) {
            log.warn("{}", i.describe());
            switch (i.step()) {
                case "import" -> { } // repaired below, by the component's recovery
                case "promote" -> log.error("promotion of {} was interrupted: promote it again", ctx.name());
                default -> running.end(i.step());
            }
        }
        new StandbyRepair(ctx, queue, log).run(role, running, found);
        return found;
    }
}
