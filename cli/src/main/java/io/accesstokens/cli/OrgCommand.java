package io.accesstokens.cli;

import io.accesstokens.OrganizationId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The organizations the console hosts, with their EDI access. */
@Command(
    name = "org",
    header = "The organizations the console hosts, and their EDI access.",
    description =
        "Kept in console.properties in the console's home. The page exists only for an organization"
            + " with access to the EDI application: the others' commands are refused and their"
            + " tokens do not validate.",
    subcommands = {OrgCommand.Add.class, OrgCommand.ListOrganizations.class})
final class OrgCommand extends CommandGroup {
  @Command(name = "add", header = "Add an organization, with EDI access unless --no-edi.")
  static final class Add implements Callable<Integer> {
    @ParentCommand OrgCommand org;

    @Parameters(
        paramLabel = "ORG",
        description = "The organization's id, as the platform names it.")
    OrganizationId id;

    @Option(
        names = "--no-edi",
        description = "The organization has no access to the EDI application.")
    boolean noEdi;

    @Override
    public Integer call() {
      AccessTokensCommand root = org.root;
      boolean added =
          root.updateConfig(
              config -> {
                var existing = config.organization(id);
                if (existing.isPresent()) {
                  if (existing.get().edi() == !noEdi) {
                    return config;
                  }
                  throw new ConsoleException(
                      ExitCode.USAGE,
                      "organization "
                          + id
                          + " is already configured, with"
                          + " EDI access "
                          + yesNo(existing.get().edi())
                          + "; change org."
                          + id
                          + ".edi in "
                          + root.configFile());
                }
                return config.with(
                    new ConsoleConfig.Organization(
                        id, !noEdi, ConsoleConfig.environmentSet(List.of())));
              });
      root.terminal
          .out()
          .println(
              added
                  ? "Added organization "
                      + id
                      + " (EDI access: "
                      + yesNo(!noEdi)
                      + "). Add its environments with:"
                      + " access-tokens env add --org "
                      + id
                      + " ENV"
                  : "Organization "
                      + id
                      + " is already configured (EDI access: "
                      + yesNo(!noEdi)
                      + ").");
      return ExitCode.OK.code();
    }
  }

  @Command(name = "list", header = "List the organizations, their EDI access and environments.")
  static final class ListOrganizations implements Callable<Integer> {
    @ParentCommand OrgCommand org;

    @Override
    public Integer call() {
      AccessTokensCommand root = org.root;
      ConsoleConfig config = root.config();
      if (config.organizations().isEmpty()) {
        root.terminal
            .out()
            .println(
                "No organizations in "
                    + root.configFile()
                    + "; add one with: access-tokens org add ORG");
        return ExitCode.OK.code();
      }
      List<List<String>> rows = new ArrayList<>();
      for (ConsoleConfig.Organization o : config.organizations()) {
        List<String> environments = new ArrayList<>();
        o.environments().forEach(e -> environments.add(e.value()));
        rows.add(List.of(o.id().value(), yesNo(o.edi()), String.join(", ", environments)));
      }
      Table.print(root.terminal.out(), List.of("Organization", "EDI", "Environments"), rows);
      return ExitCode.OK.code();
    }
  }

  static String yesNo(boolean value) {
    return value ? "yes" : "no";
  }
}
