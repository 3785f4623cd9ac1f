package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.cli.Cli.Result;
import io.accesstokens.testing.SecretLeakGuard;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * deactivate --all: every active token of the organization (or of one environment), after a
 * confirmation that shows the count, as delete confirms; --dry-run only counts.
 */
@ExtendWith(SecretLeakGuard.class)
class DeactivateAllCommandTest extends AcmeConsoleSuite {
  @BeforeEach
  void configureGlobex_andCreateTokens() {
    cli.organization("globex", "prod");
    for (String env : new String[] {"production", "production", "sandbox"}) {
      assertThat(cli.run("create", "--env", env).exitCode()).isZero();
    }
    assertThat(cli.run("create", "--org", "globex", "--env", "prod").exitCode()).isZero();
  }

  private long active(String org) {
    return cli.run("list", "--org", org, "--status", "active").outLines().stream()
        .filter(l -> l.contains("Active") && !l.startsWith("No access tokens"))
        .count();
  }

  @Test
  void dryRun_printsTheCount_andChangesNothing() {
    Result dry = cli.run("deactivate", "--all", "--dry-run");
    Result dryEnv = cli.run("deactivate", "--all", "--env", "sandbox", "--dry-run");

    assertThat(dry.exitCode()).as(dry.toString()).isZero();
    assertThat(dry.out()).contains("Would deactivate 3 active access tokens in organization acme.");
    assertThat(dryEnv.out())
        .contains(
            "Would deactivate 1 active access tokens in organization acme, environment sandbox.");
    assertThat(active("acme")).isEqualTo(3);
  }

  @Test
  void confirmed_deactivatesEveryActiveTokenOfTheOrganization_andNoOtherOrganizations() {
    Result done = cli.withInput("y\n", "deactivate", "--all");

    assertThat(done.exitCode()).as(done.toString()).isZero();
    assertThat(done.err())
        .contains(
            "Are you sure you want to deactivate all 3 active access tokens in organization acme?");
    assertThat(done.out()).contains("Deactivated 3 access tokens in organization acme");
    assertThat(active("acme")).isZero();
    assertThat(active("globex")).isEqualTo(1);
  }

  @Test
  void ofAnEnvironment_withYes_deactivatesOnlyIt() {
    Result done = cli.run("deactivate", "--all", "--env", "production", "--yes");

    assertThat(done.exitCode()).as(done.toString()).isZero();
    assertThat(done.out()).contains("Deactivated 2 access tokens");
    assertThat(active("acme")).isEqualTo(1);
  }

  @Test
  void notConfirmed_orNoAnswer_deactivatesNothing_andExits1() {
    Result no = cli.withInput("n\n", "deactivate", "--all");
    Result none = cli.run("deactivate", "--all");

    assertThat(no.exitCode()).isEqualTo(1);
    assertThat(no.err()).contains("Not deactivated.");
    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.err()).contains("no answer on standard input");
    assertThat(active("acme")).isEqualTo(3);
  }

  @Test
  void anIdWithAll_orNeither_isAUsageError() {
    assertThat(cli.run("deactivate").exitCode()).isEqualTo(2);
    assertThat(cli.run("deactivate", "--all", "AAAAAAAAAAA").exitCode()).isEqualTo(2);
    assertThat(cli.run("deactivate", "--env", "production", "AAAAAAAAAAA").exitCode()).isEqualTo(2);
  }

  @Test
  void anEnvironmentTheOrganizationDoesNotHave_exits4() {
    assertThat(cli.run("deactivate", "--all", "--env", "prod", "--dry-run").exitCode())
        .isEqualTo(4);
  }
}
