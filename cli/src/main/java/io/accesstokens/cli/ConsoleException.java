package io.accesstokens.cli;

import org.jspecify.annotations.Nullable;

/**
 * A failure the console explains itself (a missing organization, an unreadable key file, a database
 * that cannot be opened), with the exit code it ends the command with. Its message is the one line
 * the user sees; it never contains a token value or a key.
 */
final class ConsoleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ExitCode exitCode;

  ConsoleException(ExitCode exitCode, String message) {
    this(exitCode, message, null);
  }

  ConsoleException(ExitCode exitCode, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  ExitCode exitCode() {
    return exitCode;
  }
}
