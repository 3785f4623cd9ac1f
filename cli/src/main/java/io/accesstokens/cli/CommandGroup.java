package io.accesstokens.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A command that only groups subcommands ({@code org}, {@code env}): given alone, it is a usage
 * error, reported as the console reports a missing command.
 */
abstract class CommandGroup implements Runnable {
  @ParentCommand AccessTokensCommand root;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing a command");
  }
}
