package io.accesstokens.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Keeps a README example identical to the test that runs it: both carry the same code between
 * markers ({@code <!-- NAME:begin -->} in the README, {@code // NAME:begin} in the test source).
 */
public final class ReadmeSnippets {
  private ReadmeSnippets() {}

  /**
   * Asserts that the README one directory up (a module's test runs in the module's directory) shows
   * exactly the code between {@code name}'s markers in {@code testSource}.
   */
  public static void assertReadmeShowsSameCode(String name, String testSource) {
    try {
      String readme = Files.readString(Path.of("../README.md"));
      String source = Files.readString(Path.of(testSource));
      assertThat(snippet(readme, "<!-- " + name + ":begin -->", "<!-- " + name + ":end -->"))
          .as("README example %s", name)
          .isEqualTo(snippet(source, "// " + name + ":begin", "// " + name + ":end"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines between two markers, without indentation or Markdown fences. */
  static List<String> snippet(String text, String begin, String end) {
    int from = text.indexOf(begin);
    int to = text.indexOf(end, from);
    assertThat(from).as("marker %s", begin).isNotNegative();
    assertThat(to).as("marker %s", end).isPositive();
    return text.substring(from + begin.length(), to)
        .lines()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("```"))
        .toList();
  }
}
