package org.resilient.cli.observe;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.resilient.cli.JsonOutput;
import org.resilient.core.NodeStatus;
import org.resilient.core.StepOutcome;

/**
 * A node's status as one JSON document, for {@code resilient status --json} and {@code GET /health}: times and ids
 * as strings, durations in seconds (step run times in milliseconds, as before), maps sorted by key. Written by
 * Jackson through {@link JsonOutput}.
 */
public final class StatusJson {
    private StatusJson() {
    }

    /**
     * The document.
     *
     * @param s the status
     * @return the JSON text
     */
    public static String write(NodeStatus s) {
        return write(toMap(s));
    }

    /**
     * Serializes maps, lists, strings, numbers, booleans and nulls.
     *
     * @param value the value
     * @return the JSON text
     */
    public static String write(Object value) {
        return JsonOutput.write(value);
    }

    /**
     * The document as plain maps and lists.
     *
     * @param s the status
     * @return key to value, in a stable order
     */
    public static Map<String, Object> toMap(NodeStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("uri", text(s.uri()));
        m.put("role", s.role().configName());
        m.put("epoch", s.epoch().value());
        m.put("leader", text(s.leader()));
        m.put("healthy", s.healthy());
        m.put("problems", s.problems());
        m.put("asOf", text(s.asOf()));
        if (s.failover() != null) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("summary", s.failover().summary());
            f.put("problem", s.failover().problem());
            f.put("asOf", s.failover().asOf().toString());
            m.put("failover", f);
        }
        if (s.lastImport() != null) {
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("backupId", s.lastImport().backupId().value());
            i.put("backupTime", s.lastImport().backupTime().toString());
            i.put("importedAt", s.lastImport().importedAt().toString());
            m.put("lastImport", i);
        } else {
            m.put("lastImport", null);
        }
        m.put("pending", text(s.pending()));
        m.put("published", s.published().stream().map(Object::toString).toList());
        Map<String, Object> fresh = new TreeMap<>();
        s.freshness().forEach((step, f) -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("lastSuccess", text(f.lastSuccess()));
            x.put("ageSeconds", seconds(f.age()));
            x.put("expectedEverySeconds", seconds(f.expectedEvery()));
            x.put("staleAfterSeconds", seconds(f.staleAfter()));
            x.put("stale", f.stale());
            fresh.put(step, x);
        });
        m.put("freshness", fresh);
        if (s.lag() != null) {
            Map<String, Object> lag = new LinkedHashMap<>();
            lag.put("newestKnown", text(s.lag().newestKnown()));
            lag.put("lastGood", text(s.lag().lastGood()));
            lag.put("behindSeconds", seconds(s.lag().behind()));
            lag.put("dataAgeSeconds", seconds(s.lag().dataAge()));
            m.put("lag", lag);
        } else {
            m.put("lag", null);
        }
        m.put("interrupted", s.interrupted().stream().map(i -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("step", i.step());
            x.put("backupId", text(i.backupId()));
            x.put("since", i.since().toString());
            x.put("pid", i.pid());
            return x;
        }).toList());
        m.put("failures", new TreeMap<>(s.failures()));
        Map<String, Object> steps = new TreeMap<>();
        s.lastRuns().forEach((k, o) -> {
            Map<String, Object> step = step(o);
            StepOutcome good = s.lastSuccesses().get(k);
            step.put("lastSuccess", good == null ? null : good.time().toString());
            steps.put(k, step);
        });
        m.put("steps", steps);
        return m;
    }

    private static Map<String, Object> step(StepOutcome o) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("ok", o.ok());
        step.put("time", o.time().toString());
        step.put("backupId", text(o.backupId()));
        step.put("message", o.message());
        step.put("tookMillis", o.took().toMillis());
        step.put("bytes", o.bytes());
        return step;
    }

    private static Object seconds(Duration d) {
        return d == null ? null : d.toMillis() / 1000.0;
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }

    /**
     * The problems of a status that could not be taken (for {@code /health} when reading the state fails).
     *
     * @param name the node
     * @param error what failed
     * @return the JSON text
     */
    static String failure(String name, String error) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("healthy", false);
        m.put("problems", List.of("status could not be taken: " + error));
        return write(m);
    }
}
