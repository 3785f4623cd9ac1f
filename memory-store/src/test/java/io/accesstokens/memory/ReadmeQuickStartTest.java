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
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start: its text, imports included, compiled and run as a reader pastes it; its
 * body also run here as written (so that the leak guard knows the value it makes), and a test keeps
 * the two texts identical.
 */
@ExtendWith(SecretLeakGuard.class)
class ReadmeQuickStartTest {
  private static final String CONNECTORS_ERROR =
      "Error opening connection. Exception is: Error code: INVALID_TOKEN";

  /** The lines around the body in the README: the class and its main method. */
  private static final List<String> HEAD =
      List.of("public class QuickStart {", "public static void main(String[] args) {");

  private static final List<String> TAIL = List.of("}", "}");

  @TempDir Path dir;

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
    assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo(CONNECTORS_ERROR);
  }

  @Test
  void theReadme_showsExactlyThisCode_inAClassWithItsImports() throws Exception {
    List<String> readme = ReadmeSnippets.documentLines("README.md", "quick-start");
    List<String> imports = readme.stream().takeWhile(line -> line.startsWith("import ")).toList();
    List<String> body =
        ReadmeSnippets.sourceLines(
            "src/test/java/io/accesstokens/memory/ReadmeQuickStartTest.java", "quick-start");

    List<String> expected = new ArrayList<>(imports);
    expected.addAll(HEAD);
    expected.addAll(body);
    expected.addAll(TAIL);
    assertThat(imports).as("the quick start's imports").isNotEmpty();
    assertThat(readme).as("README example quick-start").isEqualTo(expected);
  }

  @Test
  void theReadmesQuickStart_compilesAsPasted_runs_andPrintsTheConnectorsError() throws Exception {
    String code = ReadmeSnippets.documentCode("README.md", "quick-start");
    Path source = Files.writeString(dir.resolve("QuickStart.java"), code);
    Path classes = Files.createDirectory(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();

    int result =
        javac.run(
            null,
            diagnostics,
            diagnostics,
            "-proc:none",
            "-Xlint:deprecation,unchecked,removal",
            "-Werror",
            "-cp",
            System.getProperty("java.class.path"),
            "-d",
            classes.toString(),
            source.toString());

    assertThat(result).as("javac: %s", diagnostics.toString(StandardCharsets.UTF_8)).isZero();
    for (String line : code.lines().filter(l -> l.startsWith("import ")).toList()) {
      String name = line.substring(line.lastIndexOf('.') + 1, line.length() - 1);
      assertThat(code.split("\\b" + name + "\\b", -1)).as("%s is used", line).hasSizeGreaterThan(2);
    }
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Method main = loader.loadClass("QuickStart").getMethod("main", String[].class);
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(original);
    }
    assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo(CONNECTORS_ERROR);
  }
}
