package io.accesstokens.cli;

import io.accesstokens.EnvironmentId;
import io.accesstokens.OrganizationId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The environments of the organizations, which create checks. */
@Command(
    name = "env",
    header = "The environments of each organization.",
    description =
        "Kept in console.properties in the console's home. A token can be created only in"
            + " an environment of its organization.",
    subcommands = {EnvCommand.Add.class, EnvCommand.ListEnvironments.class})
final class EnvCommand extends CommandGroup {
  @Command(name = "add", header = "Add an environment to the organization (--org).")
  static final class Add implements Callable<Integer> {
    @ParentCommand EnvCommand env;

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ENV", description = "The environment's id, as the platform names it.")
    EnvironmentId id;

    @Override
    public Integer call() {
      AccessTokensCommand root = env.root;
      OrganizationId[] organization = {null};
      boolean added =
          root.updateConfig(
              config -> {
                organization[0] = root.organization(spec, config);
                ConsoleConfig.Organization o = config.organization(organization[0]).orElseThrow();
                if (o.environments().contains(id)) {
                  return config;
                }
                return config.with(o.withEnvironment(id));
              });
      root.terminal
          .out()
          .println(
              added
                  ? "Added environment " + id + " to organization " + organization[0] + "."
                  : "Organization " + organization[0] + " already has environment " + id + ".");
      return ExitCode.OK.code();
    }
  }

  @Command(name = "list", header = "List the environments of the organization (--org), or of all.")
  static final class ListEnvironments implements Callable<Integer> {
    @ParentCommand EnvCommand env;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      AccessTokensCommand root = env.root;
      ConsoleConfig config = root.config();
      List<List<String>> rows = new ArrayList<>();
      if (root.organization != null) {
        ConsoleConfig.Organization o =
            config.organization(root.organization(spec, config)).orElseThrow();
        o.environments().forEach(e -> rows.add(List.of(o.id().value(), e.value())));
      } else {
        for (ConsoleConfig.Organization o : config.organizations()) {
          o.environments().forEach(e -> rows.add(List.of(o.id().value(), e.value())));
        }
      }
      if (rows.isEmpty()) {
        root.terminal
            .out()
            .println(
                "No environments"
                    + (root.organization == null ? "" : " in organization " + root.organization)
                    + "; add one with: access-tokens env add --org ORG ENV");
        return ExitCode.OK.code();
      }
      Table.print(root.terminal.out(), List.of("Organization", "Environment"), rows);
      return ExitCode.OK.code();
    }
  }
}
