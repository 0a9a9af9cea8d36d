package org.resilient.cli.demo;

/**
 * One part of the demo, run against the running cluster in order (see {@link Demo#steps}). A step prints what it
 * does and records its checks; an exception ends the demo as failed.
 */
interface DemoStep {
    /** @return the heading printed before the step runs */
    String title();

    /**
     * Runs the step.
     *
     * @param cluster the running nodes
     * @param out where to print and count checks
     * @throws Exception if the step cannot go on
     */
    void run(DemoCluster cluster, DemoOutput out) throws Exception;

    /** What a step does, for {@link #of}. */
    @FunctionalInterface
    interface Body {
        /**
         * Runs it.
         *
         * @param cluster the running nodes
         * @param out where to print and count checks
         * @throws Exception if the step cannot go on
         */
        void run(DemoCluster cluster, DemoOutput out) throws Exception;
    }

    /**
     * A step made of a title and a body.
     *
     * @param title the heading
     * @param body what it does
     * @return the step
     */
    static DemoStep of(String title, Body body) {
        return new DemoStep() {
            @Override
            public String title() {
                return title;
            }

            @Override
            public void run(DemoCluster cluster, DemoOutput out) throws Exception {
                body.run(cluster, out);
            }
        };
    }
}
