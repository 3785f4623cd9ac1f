package io.accesstokens.cli;

import io.accesstokens.OrganizationId;
import io.accesstokens.internal.Redaction;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A command of the page: it runs in an organization, on an open {@link Session}. */
abstract class PageCommand implements Callable<Integer> {
  @ParentCommand AccessTokensCommand root;

  @Spec CommandSpec spec;

  /**
   * What the command does with the copy key; of the page commands, only create and copy touch it.
   */
  CopyKeys.Use keyUse() {
    return CopyKeys.Use.NONE;
  }

  /**
   * Whether to make a copy key even over values sealed under others (create's {@code --new-key}).
   */
  boolean newKey() {
    return false;
  }

  /**
   * Runs once the organization is known, before the database is opened and the key read or made: to
   * refuse from the configuration alone what the service would refuse anyway (the service still
   * checks everything itself), or to read input without holding the database meanwhile.
   */
  void beforeOpening(ConsoleConfig config, OrganizationId organization) {}

  abstract ExitCode run(Session session);

  @Override
  public Integer call() {
    try (Session session = open()) {
      return run(session).code();
    }
  }

  /**
   * Opens a session. The embedded database admits one process at a time, so a command that waits
   * for a person closes its session first.
   */
  Session open() {
    return root.openSession(spec, keyUse(), newKey(), this::beforeOpening);
  }

  Terminal terminal() {
    return root.terminal;
  }

  PrintWriter out() {
    return root.terminal.out();
  }

  PrintWriter err() {
    return root.terminal.err();
  }

  /**
   * Asks {@code question} on standard error and reads the answer from standard input: true for
   * {@code y} or {@code yes}. Without a terminal the answer is echoed, so a transcript reads as a
   * dialogue (a value piped in by mistake only by kind and length); no answer at all, or any other,
   * keeps things as they are and says so.
   *
   * @param question the sentence, ending with {@code [y/N] }
   * @param verb what {@code --yes} would do without asking ("delete", "deactivate")
   * @param notDone the sentence's start when nothing is done ("Not deleted")
   */
  final boolean confirmed(String question, String verb, String notDone) {
    err().print(question);
    err().flush();
    String answer = terminal().readLine(256);
    if (!terminal().interactive()) {
      String shown = answer == null ? "" : answer.strip();
      err()
          .println(
              Redaction.mayHoldSecret(shown)
                  ? Redaction.describe(shown)
                  : ConsoleText.forTerminal(shown));
    }
    if (answer == null) {
      err()
          .println(
              notDone
                  + ": no answer on standard input (give --yes to "
                  + verb
                  + " without asking).");
      return false;
    }
    String word = answer.strip().toLowerCase(Locale.ROOT);
    if (!word.equals("y") && !word.equals("yes")) {
      err().println(notDone + ".");
      return false;
    }
    return true;
  }
}
