package org.resilient.core.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.SettingSpec;
import org.resilient.api.SettingSpec.Need;
import org.resilient.api.Settings;

/**
 * Checks settings against the declarations and reports every problem at once: required keys missing (for
 * the node's role), values of the wrong type or outside what the declaration allows (ranges, allowed values,
 * absolute {@code file:} URIs, rules relating two keys), and keys nobody declares (with the closest declared
 * key as a suggestion, so {@code files.sorce} says "did you mean files.source?"). Secret values are never echoed.
 */
public final class ConfigValidator {
    private ConfigValidator() {
    }

    /**
     * Validates settings every one of whose requirements applies.
     *
     * @param settings the settings
     * @param declared every key that may be set
     * @param where where the settings came from, for the message (e.g. the config file)
     * @throws ResilienceException {@code CONFIG_INVALID} listing every problem
     */
    public static void validate(Settings settings, Collection<SettingSpec> declared, String where) {
        throwIfAny(problems(settings, declared, Set.of(Need.ALWAYS), key -> false), where);
    }

    /**
     * Throws the problems found, if any.
     *
     * @param problems one line each
     * @param where where the settings came from
     * @throws ResilienceException {@code CONFIG_INVALID} listing every problem
     */
    public static void throwIfAny(List<String> problems, String where) {
        if (!problems.isEmpty()) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + " in " + where + ":\n  " + String.join("\n  ", problems));
        }
    }

    /**
     * Lists the problems.
     *
     * @param settings the settings
     * @param declared every key that may be set
     * @param needs which requirements apply ({@link Need#ALWAYS}, plus {@link Need#TO_EXPORT} on a node that exports)
     * @param undecidable keys that cannot be called unknown (their provider could not be found)
     * @return one line per problem, empty when the settings are valid
     */
    public static List<String> problems(Settings settings, Collection<SettingSpec> declared, Set<Need> needs,
                                        Predicate<String> undecidable) {
        Map<String, SettingSpec> specs = declared.stream()
                .collect(Collectors.toMap(SettingSpec::key, Function.identity(), (a, b) -> a));
        List<String> problems = new ArrayList<>(SettingSpec.problems(settings,
                specs.values().stream().sorted(Comparator.comparing(SettingSpec::key)).toList(), needs));
        for (String key : settings.keys()) {
            if (!specs.containsKey(key) && !undecidable.test(key)) {
                problems.add("unknown key '" + key + "'" + suggestion(key, specs.keySet()));
            }
        }
        return problems;
    }

    private static String suggestion(String key, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(key, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        if (best != null && bestDistance <= Math.max(2, key.length() / 4)) {
            return "; did you mean '" + best + "'?";
        }
        String prefix = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
        boolean knownPrefix = known.stream().anyMatch(k -> k.startsWith(prefix + "."));
        return knownPrefix ? "; known keys of '" + prefix + "': " + known.stream().filter(k -> k.startsWith(prefix + "."))
                .sorted().collect(Collectors.joining(", ")) : "; this node reads no keys starting with '" + prefix + ".'";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
