package io.accesstokens.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Keeps an example of the README or of a file of {@code docs/} identical to the test that runs it:
 * both carry the same code between markers ({@code <!-- NAME:begin -->} in the document, {@code //
 * NAME:begin} in the test source).
 */
public final class ReadmeSnippets {
  private ReadmeSnippets() {}

  /**
   * Asserts that the README one directory up (a module's test runs in the module's directory) shows
   * exactly the code between {@code name}'s markers in {@code testSource}.
   *
   * @param name the markers' name
   * @param testSource the test's source file, relative to the module's directory
   */
  public static void assertReadmeShowsSameCode(String name, String testSource) {
    assertDocumentShowsSameCode("README.md", name, testSource);
  }

  /**
   * Asserts that {@code document} (relative to the repository's root, one directory up from a
   * module's) shows exactly the code between {@code name}'s markers in {@code testSource}.
   *
   * @param document the document, for example {@code docs/jdbc-store.md}
   * @param name the markers' name
   * @param testSource the test's source file, relative to the module's directory
   */
  public static void assertDocumentShowsSameCode(String document, String name, String testSource) {
    assertThat(documentLines(document, name))
        .as("%s example %s", document, name)
        .isEqualTo(sourceLines(testSource, name));
  }

  /**
   * The lines between {@code name}'s markers ({@code // NAME:begin}, {@code // NAME:end}) in a
   * test's source, without indentation or blank lines.
   *
   * @param testSource the test's source file, relative to the module's directory
   * @param name the markers' name
   * @return the lines between the markers
   */
  public static List<String> sourceLines(String testSource, String name) {
    return snippet(read(Path.of(testSource)), "// " + name + ":begin", "// " + name + ":end");
  }

  /**
   * The lines of {@code document}'s example {@code name}, without indentation, blank lines or
   * Markdown fences.
   *
   * @param document the document, relative to the repository's root
   * @param name the markers' name
   * @return the example's lines
   */
  public static List<String> documentLines(String document, String name) {
    return snippet(
        read(document(document)), "<!-- " + name + ":begin -->", "<!-- " + name + ":end -->");
  }

  /**
   * The code of {@code document}'s example {@code name} exactly as a reader copies it: the text
   * inside its Markdown fence, indentation and blank lines included.
   *
   * @param document the document, relative to the repository's root
   * @param name the markers' name
   * @return the text inside the example's fence
   */
  public static String documentCode(String document, String name) {
    String text = read(document(document));
    String begin = "<!-- " + name + ":begin -->";
    int from = text.indexOf(begin);
    assertThat(from).as("marker %s in %s", begin, document).isNotNegative();
    int open = text.indexOf("```", from);
    int start = text.indexOf('\n', open) + 1;
    int close = text.indexOf("\n```", start);
    int end = text.indexOf("<!-- " + name + ":end -->", from);
    assertThat(open).as("the fence of %s", name).isPositive();
    assertThat(close).as("the closing fence of %s", name).isPositive().isLessThan(end);
    return text.substring(start, close + 1);
  }

  private static Path document(String document) {
    return Path.of("..").resolve(document);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
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
