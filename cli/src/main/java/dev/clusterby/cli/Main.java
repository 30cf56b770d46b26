package dev.clusterby.cli;

import dev.clusterby.ClusterbyException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.logging.LogManager;

/** The {@code clusterby} command line: {@code demo}, {@code cluster}, {@code predict}, {@code embed}, {@code explain}, {@code info}. */
@Command(name = "clusterby", mixinStandardHelpOptions = true, version = "clusterby 0.1.0",
        description = "Cluster a table of text, images or tensors by a column.",
        subcommands = {DemoCommand.class, ClusterCommand.class, PredictCommand.class, EmbedCommand.class, ExplainCommand.class,
                InfoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams and returns its exit code; tests call this. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        configureLogging();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean verbose = parseResult.hasMatchedOption("--verbose")
                    || (parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("--verbose"));
            if (e instanceof ClusterbyException) {
                err.println("error: " + e.getMessage());
                if (verbose) e.printStackTrace(err);
                return EXIT_BAD_INPUT;
            }
            err.println("error: " + e);
            if (verbose) e.printStackTrace(err);
            else err.println("(run with --verbose for the stack trace)");
            return 1;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** One line per log record, unless the user configured logging. */
    private static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") != null) return;
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
        }
        try {
            LogManager.getLogManager().readConfiguration();
        } catch (java.io.IOException ignored) {
            // Defaults stay in place.
        }
    }
}
