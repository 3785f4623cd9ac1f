package io.accesstokens.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/** The runnable jar's entry point: {@code java -jar access-tokens-cli.jar COMMAND ...}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    StopRequests.Jvm stopRequests = new StopRequests.Jvm();
    int exitCode = Console.run(Terminal.system(Main::configureLogging, stopRequests), args);
    // A command stopped by Ctrl-C has ended: its shutdown hook, waiting for this, ends the process.
    stopRequests.ended(exitCode);
    System.exit(exitCode);
  }

  /**
   * Silent unless verbose: the console's answers are its output, and a log line on standard error
   * would read as a second answer. Runs after the command line is parsed and before anything logs
   * (slf4j-simple reads these properties when the first logger is made). A level given with {@code
   * -Dorg.slf4j.simpleLogger.defaultLogLevel} is kept.
   */
  static void configureLogging(boolean verbose) {
    if (verbose) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
      System.setProperty("org.slf4j.simpleLogger.log.io.accesstokens", "debug");
    } else if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "off");
    }
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    // The PostgreSQL driver logs through java.util.logging, whose console handler prints INFO and
    // up.
    Logger.getLogger("").setLevel(verbose ? Level.INFO : Level.OFF);
  }
}
