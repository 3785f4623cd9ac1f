package io.accesstokens.cli;

import io.accesstokens.OrganizationId;
import java.io.PrintWriter;
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
}
