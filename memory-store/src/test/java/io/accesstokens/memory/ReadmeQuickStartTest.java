package io.accesstokens.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.Actor;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.CopyPolicy;
import io.accesstokens.EnvironmentId;
import io.accesstokens.IssuedToken;
import io.accesstokens.OrganizationId;
import io.accesstokens.Scope;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.testing.IssuedSecrets;
import io.accesstokens.testing.ReadmeSnippets;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's quick start, run as written; a second test keeps the two texts identical. */
@ExtendWith(SecretLeakGuard.class)
class ReadmeQuickStartTest {

  private static void quickStart() {
    // spotless:off (laid out as the README shows it)
    // quick-start:begin
    TokenService service = TokenService.builder(new MemoryTokenStore())
        .entitlements(Entitlements.all())                        // which organizations have EDI
        .environments((org, env) -> env.value().equals("production"))
        .copyPolicy(CopyPolicy.ephemeral())                      // Copy works while the JVM lives
        .build();
    TokenValidator validator = TokenValidator.builder(service).build();

    OrganizationId acme = OrganizationId.of("acme");
    EnvironmentId production = EnvironmentId.of("production");
    Actor alice = Actor.of("alice@acme.example");

    IssuedToken issued = service.create(acme, production, "Partner X over AS2", alice);
    String value = issued.value().reveal();                     // hand it to the EDI connector
    validator.validate(value, Scope.EDI, acme, production);      // accepted

    service.deactivate(acme, issued.id(), alice);                // the page's Status toggle
    try {
      validator.validate(value, Scope.EDI, acme, production);
    } catch (ConnectionOpenException e) {
      System.out.println(e.getMessage()); // Error opening connection. Exception is: Error code: INVALID_TOKEN
    }
    // quick-start:end
    // spotless:on
    IssuedSecrets.record(value); // after the fact: the guard scans when the test ends
  }

  @Test
  void theQuickStart_runs_andPrintsTheConnectorsError() {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      quickStart();
    } finally {
      System.setOut(original);
    }
    assertThat(out.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo("Error opening connection. Exception is: Error code: INVALID_TOKEN");
  }

  @Test
  void theReadme_showsExactlyThisCode() {
    ReadmeSnippets.assertReadmeShowsSameCode(
        "quick-start", "src/test/java/io/accesstokens/memory/ReadmeQuickStartTest.java");
  }
}
