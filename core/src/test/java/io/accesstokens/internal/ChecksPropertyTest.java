package io.accesstokens.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The hand-written identifier check accepts exactly what its documented pattern accepts. */
class ChecksPropertyTest {
  /** The rule of organization and environment ids as documented. */
  private static final Pattern DOCUMENTED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");

  @Property(tries = 5_000)
  void isIdentifier_agreesWithTheDocumentedPattern(@ForAll("nearIdentifiers") String value) {
    assertThat(Checks.isIdentifier(value))
        .as("%s", value)
        .isEqualTo(DOCUMENTED.matcher(value).matches());
  }

  /**
   * Strings of 0 to 130 characters, mostly allowed ones, mixed with the near misses a regex and a
   * loop could disagree on: the ASCII neighbours of each range, other punctuation, white space,
   * control characters, digits and letters of other scripts, and a surrogate pair.
   */
  @Provide
  Arbitrary<String> nearIdentifiers() {
    Arbitrary<Character> allowed =
        Arbitraries.of('a', 'z', 'A', 'Z', '0', '9', 'm', 'Q', '5', '.', '_', ':', '@', '-');
    Arbitrary<Character> nearMisses =
        Arbitraries.of(
            '`', '{', '[', '/', ';', '?', '!', ' ', '\t', '\n', '\u0000', '\u00e9', '\u0663',
            '\uff21', '\ud83d', '\ude00', '+', '~', '\u00a0');
    Arbitrary<Character> any =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(20, allowed), net.jqwik.api.Tuple.of(1, nearMisses));
    return any.list()
        .ofMinSize(0)
        .ofMaxSize(130)
        .map(
            chars -> {
              StringBuilder out = new StringBuilder(chars.size());
              chars.forEach(out::append);
              return out.toString();
            })
        .edgeCases(edges -> edges.add("a".repeat(128)).add("a".repeat(129)).add("-a").add("a-"));
  }
}
