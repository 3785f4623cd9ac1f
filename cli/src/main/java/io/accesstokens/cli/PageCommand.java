package io.accesstokens.cli;

import io.accesstokens.OrganizationId;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A command of the page: it runs in an organization, on an open {@link Session}. */
abstract class PageCommand implements Callable<Integer> {
  @ParentCommand
  AccessTokensCommand root;

  @Spec
  CommandSpec spec;

  /** What the command does with the copy key; only create and copy touch it. */
  CopyKeys.Use keyUse() {
    return CopyKeys.Use.NONE;
  }

  /**
   * Refuses, from the console's configuration alone, what the service would refuse anyway, before the
   * database is opened and the key read or made; the service still checks everything itself.
   */
  void precheck(ConsoleConfig config, OrganizationId organization) {
  }

  abstract ExitCode run(Session session);

  @Override
  public final Integer call() {
    try (Session session = root.openSession(spec, keyUse(), this::precheck)) {
      return run(session).code();
    }
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
