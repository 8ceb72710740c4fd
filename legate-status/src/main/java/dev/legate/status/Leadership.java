package dev.legate.status;

/**
 * Whether this replica may write status now. {@link StatusWriter} asks before every write and is told when the
 * answer changes (it then compares with the cluster again before writing anything).
 */
public interface Leadership {

    /** A single replica that always writes (no election): for one-replica installs and tests. */
    Leadership ALWAYS = new Leadership() {
        @Override
        public boolean leading() {
            return true;
        }

        @Override
        public void onChange(Runnable listener) {
        }
    };

    boolean leading();

    /** {@code listener} runs (on any thread) after every change of {@link #leading()}. */
    void onChange(Runnable listener);
}
