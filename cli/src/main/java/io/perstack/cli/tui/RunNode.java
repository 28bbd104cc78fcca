package io.perstack.cli.tui;

/**
 * One run of the job as the live view shows it: a node of the Expert tree (delegated runs hang below the run that
 * delegated to them).
 *
 * @param depth 0 for the coordinator, one more per delegation
 */
public record RunNode(String runId, String parentRunId, String expertKey, int depth, int step, Phase phase) {

    /** What the run is doing now, in the words the view prints. */
    public enum Phase {
        STARTING("starting"),
        GENERATING("generating"),
        REASONING("reasoning"),
        WRITING("writing the answer"),
        CALLING_TOOLS("calling tools"),
        DELEGATING("waiting for delegates"),
        ASKING("waiting for the user"),
        COMPLETED("completed"),
        STOPPED("stopped"),
        FAILED("failed");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        boolean isFinal() {
            return this == COMPLETED || this == STOPPED || this == FAILED || this == ASKING;
        }
    }

    RunNode at(int newStep, Phase newPhase) {
        return new RunNode(runId, parentRunId, expertKey, depth, newStep, newPhase);
    }

    RunNode in(Phase newPhase) {
        return at(step, newPhase);
    }
}
