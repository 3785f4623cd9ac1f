package io.accesstokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.testing.SecretLeakGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README is a guide to {@code docs/}: every relative link of the README and of the documents
 * leads to a file that exists (and to a heading of it, when it names one), and the README's table
 * of contents lists every document.
 */
@ExtendWith(SecretLeakGuard.class)
class DocumentLinksTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$");

  @Test
  void everyRelativeLink_leadsToAFileThatExists_andToAHeadingOfIt() throws IOException {
    List<String> broken = new ArrayList<>();
    List<Path> documents = documents();
    for (Path document : documents) {
      Matcher link = LINK.matcher(Files.readString(document));
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("[a-z]+:.*")) {
          continue; // http:, https:, mailto:
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? document : document.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(ROOT.relativize(document) + ": " + target + " (no such file)");
        } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
          broken.add(ROOT.relativize(document) + ": " + target + " (no such heading)");
        }
      }
    }
    assertThat(documents).hasSizeGreaterThan(5);
    assertThat(broken).isEmpty();
  }

  @Test
  void theReadme_linksToEveryDocument() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    for (Path document : documents()) {
      if (document.getParent().getFileName().toString().equals("docs")) {
        String link = "](docs/" + document.getFileName() + ")";
        assertThat(readme).as("the README's link to %s", document).contains(link);
      }
    }
  }

  /** The README, the changelog and every Markdown file of {@code docs/}. */
  private static List<Path> documents() throws IOException {
    List<Path> documents = new ArrayList<>();
    documents.add(ROOT.resolve("README.md"));
    documents.add(ROOT.resolve("CHANGELOG.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
    }
    return documents;
  }

  /** GitHub's anchors of a Markdown file's headings (outside fenced code blocks). */
  private static Set<String> anchors(Path file) throws IOException {
    Set<String> anchors = new HashSet<>();
    if (!file.toString().endsWith(".md")) {
      return anchors;
    }
    boolean inFence = false;
    for (String line : Files.readString(file).lines().toList()) {
      if (line.startsWith("```")) {
        inFence = !inFence;
      }
      Matcher heading = HEADING.matcher(line);
      if (!inFence && heading.matches()) {
        anchors.add(
            heading
                .group(1)
                .strip()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-'));
      }
    }
    return anchors;
  }
}
