package io.accesstokens.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every Jupiter test class of this project runs under the {@link SecretLeakGuard}: the guard is
 * applied with {@code @ExtendWith} (no extension autodetection), so a class that forgot it would be
 * scanned by nobody. Read from the sources of every module that depends on this one (core's tests
 * cannot: this module depends on core) and of the suites themselves; a class that inherits its
 * tests inherits the annotation too.
 */
@ExtendWith(SecretLeakGuard.class)
class EveryTestClassIsGuardedTest {
  private static final Pattern JUPITER_TESTS =
      Pattern.compile(
          "^\\s*@(Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate|Nested"
              + "|ValidatorTest)\\b",
          Pattern.MULTILINE);

  @Test
  void everyClassWithJupiterTests_isGuarded() throws IOException {
    Path project = Path.of("..").toRealPath();
    List<Path> sources;
    try (Stream<Path> modules = Files.list(project)) {
      sources =
          modules
              .filter(module -> !module.getFileName().toString().equals("core"))
              .flatMap(
                  module ->
                      Stream.of(module.resolve("src/test/java"), module.resolve("src/main/java")))
              .filter(Files::isDirectory)
              .flatMap(EveryTestClassIsGuardedTest::javaFiles)
              .toList();
    }
    List<String> withTests =
        sources.stream()
            .filter(source -> hasTests(read(source)))
            .map(source -> project.relativize(source).toString())
            .toList();
    List<String> unguarded =
        sources.stream()
            .filter(source -> hasTests(read(source)))
            .filter(source -> !read(source).contains("@ExtendWith(SecretLeakGuard.class)"))
            .map(source -> project.relativize(source).toString())
            .toList();

    assertThat(withTests).as("test classes found").hasSizeGreaterThan(40);
    assertThat(unguarded).as("test classes without @ExtendWith(SecretLeakGuard.class)").isEmpty();
  }

  /** Declares Jupiter tests (an annotation type that is itself a test template does not). */
  private static boolean hasTests(String source) {
    return JUPITER_TESTS.matcher(source).find() && !source.contains("public @interface ");
  }

  private static Stream<Path> javaFiles(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(f -> f.toString().endsWith(".java")).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path source) {
    try {
      return Files.readString(source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
