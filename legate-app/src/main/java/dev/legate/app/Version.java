package dev.legate.app;

import picocli.CommandLine;

/** The version printed by {@code legate --version}: the jar's implementation version, if packaged. */
final class Version implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {"legate " + (version == null ? "development build" : version)};
    }
}
