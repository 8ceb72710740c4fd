package dev.legate.app;

import dev.legate.apiext.ApiextCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code legate <subcommand> ...}. */
@Command(name = "legate",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        header = "Legate: a control plane for Envoy that reads Emissary-ingress's resources.",
        description = {
            "Legate compiles getambassador.io resources (Mapping, Host, Listener, TLSContext,",
            "Module, ...) into Envoy v3 configuration, with Emissary's semantics and names.",
            ""},
        subcommands = {CompileCommand.class, ServeCommand.class, ApiextCommand.class, BackendCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Run 'legate help <command>' for the options of a command."})
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", LegateLogManager.class.getName());
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 usage error). */
    public static int run(String... args) {
        LogSetup.configure();
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
