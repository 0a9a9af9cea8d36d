package org.resilient.core.manifest;

import java.util.ArrayList;
import java.util.List;

/**
 * The problems a check found, of which only the first few are kept to be shown: a damaged backup of a million files
 * must not need a million messages in memory.
 */
public final class ProblemList {
    private final int shown;
    private final List<String> first = new ArrayList<>();
    private long count;

    /**
     * A list.
     *
     * @param shown how many problems to keep and show
     */
    public ProblemList(int shown) {
        this.shown = shown;
    }

    /**
     * Records a problem.
     *
     * @param problem what is wrong
     */
    public void add(String problem) {
        count++;
        if (first.size() < shown) {
            first.add(problem);
        }
    }

    /**
     * Whether nothing was found.
     *
     * @return true if no problem was added
     */
    public boolean isEmpty() {
        return count == 0;
    }

    /**
     * The problems as lines to show: the first ones, then how many more there are.
     *
     * @return the text, one problem per line, each indented by two spaces
     */
    public String text() {
        return "  " + String.join("\n  ", first) + (count > first.size() ? "\n  ... and " + (count - first.size())
                + " more" : "");
    }
}
