package dev.clusterby;

/**
 * The base of every error clusterby raises on purpose. Its message names what a user must fix:
 * the file, column, row, option or name at fault. The CLI prints it as one line and exits with 2.
 */
public class ClusterbyException extends RuntimeException {
    /** An error whose message tells the user what to fix. */
    public ClusterbyException(String message) {
        super(message);
    }

    /** An error whose message tells the user what to fix, with the exception that caused it. */
    public ClusterbyException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Bad values in the data: a missing value, NaN or infinity, an empty table, k larger than the rows. */
    public static final class InvalidData extends ClusterbyException {
        /** An error about the data, with a message naming the column and row where it can. */
        public InvalidData(String message) {
            super(message);
        }
    }

    /** A name nobody registered: a column, method, encoder or backend. The message lists the known ones. */
    public static final class UnknownName extends ClusterbyException {
        /** An error naming the {@code kind} of name ("column", "encoder", ...), the {@code name} asked for, and the {@code known} ones. */
        public UnknownName(String kind, String name, java.util.Collection<String> known) {
            super("unknown " + kind + " '" + name + "'; known: " + String.join(", ", known));
        }
    }

    /** A file that is missing, unreadable, of an unknown format, or corrupt. The message names the path. */
    public static final class BadFile extends ClusterbyException {
        /** An error with a message that names the file. */
        public BadFile(String message) {
            super(message);
        }

        /** An error with a message that names the file, and the I/O or parse error behind it. */
        public BadFile(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An option with a value outside its range. The message names the option. */
    public static final class BadOption extends ClusterbyException {
        /** An error naming the option and what is wrong with its value. */
        public BadOption(String option, String problem) {
            super("option '" + option + "': " + problem);
        }
    }

    /** A backend, device or model that was asked for by name but cannot run here. */
    public static final class Unavailable extends ClusterbyException {
        /** An error saying what is unavailable and why. */
        public Unavailable(String message) {
            super(message);
        }

        /** An error saying what is unavailable and why, with the exception that showed it. */
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
